#version 450
// Backward of ssn_reconstruct.comp to the assignment (the targets carry no gradient). With V = U / (m + eps):
//   dV[t, g]  = sum over pixels p seeing g of A[p, j(g)] dR[t, p]
//   dA[p, j]  = sum_t dR[t, p] V[t, g] + (sum_t dV[t, g] target[t, p] - sum_t dV[t, g] V[t, g]) / (m_g + eps)
// Three dispatches, chosen by STAGE: 0 per (batch, channel, cell) dV; 1 per (batch, cell) cellDot = dV . V;
// 2 per pixel dA, written (or added, ACCUMULATE) to assignmentGrad, 0 for neighbours beyond the border.
#include "common.glsl"
#include "superpixel_grid.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;
layout(constant_id = 2) const bool LABELS = false;
layout(constant_id = 3) const bool ACCUMULATE = false;

layout(std430, binding = 0) readonly buffer Assignment { float assignment[]; };
layout(std430, binding = 1) readonly buffer Targets { float targets[]; };
layout(std430, binding = 2) readonly buffer Labels { int labels[]; };
layout(std430, binding = 3) readonly buffer CellValues { float cellValues[]; };
layout(std430, binding = 4) readonly buffer Mass { float mass[]; };
layout(std430, binding = 5) readonly buffer ReconGrad { float reconGrad[]; };
layout(std430, binding = 6) buffer CellGrad { float cellGrad[]; };
layout(std430, binding = 7) buffer CellDot { float cellDot[]; };
layout(std430, binding = 8) buffer AssignmentGrad { float assignmentGrad[]; };
layout(push_constant) uniform Params { uint batch; uint channels; uint height; uint width; uint gridH; uint gridW; } p;

const float MASS_EPSILON = 1e-6;

void cellGradients(uint i) {
    uint cells = p.gridH * p.gridW;
    if (i >= p.batch * p.channels * cells) return;
    uint g = i % cells;
    uint bt = i / cells;
    uint b = bt / p.channels;
    uint gy = g / p.gridW;
    uint gx = g % p.gridW;
    uint plane = p.height * p.width;
    uint yEnd = uint(first_row_of_cell(int(min(gy + 2, p.gridH)), int(p.height), int(p.gridH)));
    uint xEnd = uint(first_row_of_cell(int(min(gx + 2, p.gridW)), int(p.width), int(p.gridW)));
    float grad = 0.0;
    for (uint y = uint(first_row_of_cell(int(max(gy, 1) - 1), int(p.height), int(p.gridH))); y < yEnd; y++) {
        uint cy = y * p.gridH / p.height;
        for (uint x = uint(first_row_of_cell(int(max(gx, 1) - 1), int(p.width), int(p.gridW))); x < xEnd; x++) {
            uint j = uint(cell_slot(int(gy), int(gx), int(cy), int(x * p.gridW / p.width)));
            grad += assignment[(b * 9u + j) * plane + y * p.width + x] * reconGrad[bt * plane + y * p.width + x];
        }
    }
    cellGrad[i] = grad;
}

void cellDots(uint i) {
    uint cells = p.gridH * p.gridW;
    if (i >= p.batch * cells) return;
    uint b = i / cells;
    uint g = i % cells;
    float dot = 0.0;
    for (uint t = 0; t < p.channels; t++) dot += cellGrad[(b * p.channels + t) * cells + g] * cellValues[(b * p.channels + t) * cells + g];
    cellDot[i] = dot;
}

void pixelGradients(uint i) {
    uint plane = p.height * p.width;
    if (i >= p.batch * plane) return;
    uint b = i / plane;
    uint q = i % plane;
    uint cells = p.gridH * p.gridW;
    int label = LABELS ? labels[i] : -1;
    for (uint j = 0; j < 9u; j++) {
        int g = slot_cell(int(j), home_cell(int(q / p.width), int(p.height), int(p.gridH)), home_cell(int(q % p.width), int(p.width), int(p.gridW)), int(p.gridH), int(p.gridW));
        float grad = 0.0;
        if (g >= 0) {
            float direct = 0.0;
            float targetDot = 0.0;
            for (uint t = 0; t < p.channels; t++) {
                uint cell = (b * p.channels + t) * cells + uint(g);
                direct += reconGrad[(b * p.channels + t) * plane + q] * cellValues[cell];
                if (!LABELS) targetDot += cellGrad[cell] * targets[(b * p.channels + t) * plane + q];
            }
            if (LABELS && label >= 0 && uint(label) < p.channels) targetDot = cellGrad[(b * p.channels + uint(label)) * cells + uint(g)];
            grad = direct + (targetDot - cellDot[b * cells + uint(g)]) / (mass[b * cells + uint(g)] + MASS_EPSILON);
        }
        uint at = (b * 9u + j) * plane + q;
        assignmentGrad[at] = ACCUMULATE ? assignmentGrad[at] + grad : grad;
    }
}

void main() {
    if (STAGE == 0) cellGradients(linear_index());
    else if (STAGE == 1) cellDots(linear_index());
    else pixelGradients(linear_index());
}
