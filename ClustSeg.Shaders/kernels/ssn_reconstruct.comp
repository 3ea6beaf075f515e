#version 450
// SSN reconstruction through the soft assignment (clustseg.md "Superpixel model", loss): pixel targets go to the
// superpixels and back, recon = A (A^T t / mass). Two dispatches, chosen by STAGE:
//   0, per (batch, target channel, cell): cellValues = sum_p A t / (sum_p A + 1e-6) over the pixels that see the cell;
//      mass[b, g] = sum_p A (from channel 0).
//   1, per (batch, target channel, pixel): recon = sum over the pixel's neighbours j of A[p, j] cellValues[g_j].
// LABELS false: targets are float [B, T, H, W] (e.g. scaled (y, x) for the compactness term). LABELS true: targets
// are int32 labels [B, H, W], read as one-hot over T classes; labels outside [0, T) are all-zero rows.
#include "common.glsl"
#include "superpixel_grid.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;
layout(constant_id = 2) const bool LABELS = false;

layout(std430, binding = 0) readonly buffer Assignment { float assignment[]; };
layout(std430, binding = 1) readonly buffer Targets { float targets[]; };
layout(std430, binding = 2) readonly buffer Labels { int labels[]; };
layout(std430, binding = 3) buffer CellValues { float cellValues[]; };
layout(std430, binding = 4) writeonly buffer Mass { float mass[]; };
layout(std430, binding = 5) writeonly buffer Recon { float recon[]; };
layout(push_constant) uniform Params { uint batch; uint channels; uint height; uint width; uint gridH; uint gridW; } p;

const float MASS_EPSILON = 1e-6;

float target(uint b, uint t, uint q) {
    if (LABELS) return labels[b * p.height * p.width + q] == int(t) ? 1.0 : 0.0;
    return targets[(b * p.channels + t) * p.height * p.width + q];
}

void cellMeans(uint i) {
    uint cells = p.gridH * p.gridW;
    if (i >= p.batch * p.channels * cells) return;
    uint g = i % cells;
    uint bt = i / cells;
    uint b = bt / p.channels;
    uint t = bt % p.channels;
    uint gy = g / p.gridW;
    uint gx = g % p.gridW;
    uint plane = p.height * p.width;
    uint yEnd = uint(first_row_of_cell(int(min(gy + 2, p.gridH)), int(p.height), int(p.gridH)));
    uint xEnd = uint(first_row_of_cell(int(min(gx + 2, p.gridW)), int(p.width), int(p.gridW)));
    float weighted = 0.0;
    float total = 0.0;
    for (uint y = uint(first_row_of_cell(int(max(gy, 1) - 1), int(p.height), int(p.gridH))); y < yEnd; y++) {
        uint cy = y * p.gridH / p.height;
        for (uint x = uint(first_row_of_cell(int(max(gx, 1) - 1), int(p.width), int(p.gridW))); x < xEnd; x++) {
            uint j = uint(cell_slot(int(gy), int(gx), int(cy), int(x * p.gridW / p.width)));
            float a = assignment[(b * 9u + j) * plane + y * p.width + x];
            weighted += a * target(b, t, y * p.width + x);
            total += a;
        }
    }
    cellValues[i] = weighted / (total + MASS_EPSILON);
    if (t == 0) mass[b * cells + g] = total;
}

void reconstruct(uint i) {
    uint plane = p.height * p.width;
    if (i >= p.batch * p.channels * plane) return;
    uint q = i % plane;
    uint bt = i / plane;
    uint b = bt / p.channels;
    uint cells = p.gridH * p.gridW;
    float value = 0.0;
    for (uint j = 0; j < 9u; j++) {
        int g = slot_cell(int(j), home_cell(int(q / p.width), int(p.height), int(p.gridH)), home_cell(int(q % p.width), int(p.width), int(p.gridW)), int(p.gridH), int(p.gridW));
        if (g >= 0) value += assignment[(b * 9u + j) * plane + q] * cellValues[bt * cells + uint(g)];
    }
    recon[i] = value;
}

void main() {
    if (STAGE == 0) cellMeans(linear_index());
    else reconstruct(linear_index());
}
