#version 450
// Superpixel (SSN) EM step, forward: each pixel is compared only with the 9 grid cells around its own
// (include/superpixel_neighbourhood.glsl). Two dispatches, chosen by STAGE:
//   0, E-step, per pixel: assignment[b, j, y, x] = softmax over the existing neighbours j of -||f - c_j||^2
//      (0 for neighbours beyond the border).
//   1, M-step, per (batch, channel, cell): newCentres = sum_p A f / (sum_p A + 1e-6) over the pixels that see the
//      cell (those in the 3 x 3 block of cells around it); mass[b, g] = sum_p A is kept for backward.
// Layouts: features [B, C, H, W], centres and newCentres [B, C, gh * gw], assignment [B, 9, H, W], mass [B, gh * gw].
#include "common.glsl"
#include "superpixel_neighbourhood.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;

layout(std430, binding = 0) readonly buffer Features { float features[]; };
layout(std430, binding = 1) readonly buffer Centres { float centres[]; };
layout(std430, binding = 2) buffer Assignment { float assignment[]; };
layout(std430, binding = 3) writeonly buffer NewCentres { float newCentres[]; };
layout(std430, binding = 4) writeonly buffer Mass { float mass[]; };
layout(push_constant) uniform Params { uint batch; uint channels; uint height; uint width; uint gridH; uint gridW; } p;

const float MASS_EPSILON = 1e-6;

void assign(uint i) {
    uint plane = p.height * p.width;
    if (i >= p.batch * plane) return;
    uint b = i / plane;
    uint q = i % plane;
    uint y = q / p.width;
    uint x = q % p.width;
    uint cells = p.gridH * p.gridW;
    float logits[NEIGHBOURS];
    bool exists[NEIGHBOURS];
    float largest = -1.0 / 0.0;
    for (uint j = 0; j < NEIGHBOURS; j++) {
        int g = neighbourCell(y, x, j, p.height, p.width, p.gridH, p.gridW);
        exists[j] = g >= 0;
        logits[j] = 0.0;
        if (g < 0) continue;
        float distance = 0.0;
        for (uint c = 0; c < p.channels; c++) {
            float d = features[(b * p.channels + c) * plane + q] - centres[(b * p.channels + c) * cells + uint(g)];
            distance += d * d;
        }
        logits[j] = -distance;
        largest = max(largest, -distance);
    }
    float total = 0.0;
    for (uint j = 0; j < NEIGHBOURS; j++) {
        logits[j] = exists[j] ? exp(logits[j] - largest) : 0.0;
        total += logits[j];
    }
    for (uint j = 0; j < NEIGHBOURS; j++) assignment[(b * NEIGHBOURS + j) * plane + q] = logits[j] / total;
}

void weightedMean(uint i) {
    uint cells = p.gridH * p.gridW;
    if (i >= p.batch * p.channels * cells) return;
    uint g = i % cells;
    uint bc = i / cells;
    uint b = bc / p.channels;
    uint c = bc % p.channels;
    uint gy = g / p.gridW;
    uint gx = g % p.gridW;
    uint plane = p.height * p.width;
    uint yEnd = firstPixelOfCell(min(gy + 2, p.gridH), p.height, p.gridH);
    uint xEnd = firstPixelOfCell(min(gx + 2, p.gridW), p.width, p.gridW);
    float weighted = 0.0;
    float total = 0.0;
    for (uint y = firstPixelOfCell(max(gy, 1) - 1, p.height, p.gridH); y < yEnd; y++) {
        uint cy = y * p.gridH / p.height;
        for (uint x = firstPixelOfCell(max(gx, 1) - 1, p.width, p.gridW); x < xEnd; x++) {
            uint j = slotOf(gy, gx, cy, x * p.gridW / p.width);
            float a = assignment[(b * NEIGHBOURS + j) * plane + y * p.width + x];
            weighted += a * features[bc * plane + y * p.width + x];
            total += a;
        }
    }
    newCentres[i] = weighted / (total + MASS_EPSILON);
    if (c == 0) mass[b * cells + g] = total;
}

void main() {
    if (STAGE == 0) assign(linear_index());
    else weightedMean(linear_index());
}
