#version 450
// Superpixel (SSN) EM step, backward: gradients of the features and of the old centres from the gradient of the new
// centres and (HAS_ASSIGNMENT_GRAD) of the assignment itself (the SSN loss reads it). With C' = U / (m + eps):
//   dA[p, j]   = ext[p, j] + (dC'[g] . f_p - dC'[g] . C'[g]) / (m_g + eps)                      (g = cell j of p)
//   dL[p, j]   = A[p, j] (dA[p, j] - sum_j' A[p, j'] dA[p, j'])                            (logits L = -||f - c||^2)
//   df_p       = sum_j A[p, j] dC'[g] / (m_g + eps) - 2 sum_j dL[p, j] (f_p - c_g)
//   dc_g       = 2 sum over pixels p seeing g of dL[p, j(g)] (f_p - c_g)
// Three dispatches, chosen by STAGE: 0 per (batch, cell) centreDot = dC' . C'; 1 per pixel dL (to logitsGrad) and
// df; 2 per (batch, channel, cell) dc.
#include "common.glsl"
#include "superpixel_neighbourhood.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;
layout(constant_id = 2) const bool HAS_ASSIGNMENT_GRAD = false;

layout(std430, binding = 0) readonly buffer Features { float features[]; };
layout(std430, binding = 1) readonly buffer Centres { float centres[]; };
layout(std430, binding = 2) readonly buffer Assignment { float assignment[]; };
layout(std430, binding = 3) readonly buffer NewCentres { float newCentres[]; };
layout(std430, binding = 4) readonly buffer Mass { float mass[]; };
layout(std430, binding = 5) readonly buffer NewCentresGrad { float newCentresGrad[]; };
layout(std430, binding = 6) readonly buffer AssignmentGrad { float assignmentGrad[]; };
layout(std430, binding = 7) buffer CentreDot { float centreDot[]; };
layout(std430, binding = 8) buffer LogitsGrad { float logitsGrad[]; };
layout(std430, binding = 9) writeonly buffer FeaturesGrad { float featuresGrad[]; };
layout(std430, binding = 10) writeonly buffer CentresGrad { float centresGrad[]; };
layout(push_constant) uniform Params { uint batch; uint channels; uint height; uint width; uint gridH; uint gridW; } p;

const float MASS_EPSILON = 1e-6;

void centreDots(uint i) {
    uint cells = p.gridH * p.gridW;
    if (i >= p.batch * cells) return;
    uint b = i / cells;
    uint g = i % cells;
    float dot = 0.0;
    for (uint c = 0; c < p.channels; c++) {
        uint at = (b * p.channels + c) * cells + g;
        dot += newCentresGrad[at] * newCentres[at];
    }
    centreDot[i] = dot;
}

void pixelGradients(uint i) {
    uint plane = p.height * p.width;
    if (i >= p.batch * plane) return;
    uint b = i / plane;
    uint q = i % plane;
    uint y = q / p.width;
    uint x = q % p.width;
    uint cells = p.gridH * p.gridW;
    int neighbour[NEIGHBOURS];
    float gradA[NEIGHBOURS];
    float a[NEIGHBOURS];
    float weightedSum = 0.0;
    for (uint j = 0; j < NEIGHBOURS; j++) {
        neighbour[j] = neighbourCell(y, x, j, p.height, p.width, p.gridH, p.gridW);
        a[j] = assignment[(b * NEIGHBOURS + j) * plane + q];
        gradA[j] = 0.0;
        if (neighbour[j] < 0) continue;
        uint g = uint(neighbour[j]);
        float dot = 0.0;
        for (uint c = 0; c < p.channels; c++)
            dot += newCentresGrad[(b * p.channels + c) * cells + g] * features[(b * p.channels + c) * plane + q];
        gradA[j] = (dot - centreDot[b * cells + g]) / (mass[b * cells + g] + MASS_EPSILON);
        if (HAS_ASSIGNMENT_GRAD) gradA[j] += assignmentGrad[(b * NEIGHBOURS + j) * plane + q];
        weightedSum += a[j] * gradA[j];
    }
    for (uint j = 0; j < NEIGHBOURS; j++) {
        gradA[j] = a[j] * (gradA[j] - weightedSum); // now the logit gradient dL
        logitsGrad[(b * NEIGHBOURS + j) * plane + q] = gradA[j];
    }
    for (uint c = 0; c < p.channels; c++) {
        float f = features[(b * p.channels + c) * plane + q];
        float grad = 0.0;
        for (uint j = 0; j < NEIGHBOURS; j++) {
            if (neighbour[j] < 0) continue;
            uint at = (b * p.channels + c) * cells + uint(neighbour[j]);
            grad += a[j] * newCentresGrad[at] / (mass[b * cells + uint(neighbour[j])] + MASS_EPSILON)
                  - 2.0 * gradA[j] * (f - centres[at]);
        }
        featuresGrad[(b * p.channels + c) * plane + q] = grad;
    }
}

void centreGradients(uint i) {
    uint cells = p.gridH * p.gridW;
    if (i >= p.batch * p.channels * cells) return;
    uint g = i % cells;
    uint bc = i / cells;
    uint b = bc / p.channels;
    uint gy = g / p.gridW;
    uint gx = g % p.gridW;
    uint plane = p.height * p.width;
    float centre = centres[i];
    uint yEnd = firstPixelOfCell(min(gy + 2, p.gridH), p.height, p.gridH);
    uint xEnd = firstPixelOfCell(min(gx + 2, p.gridW), p.width, p.gridW);
    float grad = 0.0;
    for (uint y = firstPixelOfCell(max(gy, 1) - 1, p.height, p.gridH); y < yEnd; y++) {
        uint cy = y * p.gridH / p.height;
        for (uint x = firstPixelOfCell(max(gx, 1) - 1, p.width, p.gridW); x < xEnd; x++) {
            uint j = slotOf(gy, gx, cy, x * p.gridW / p.width);
            grad += logitsGrad[(b * NEIGHBOURS + j) * plane + y * p.width + x] * (features[bc * plane + y * p.width + x] - centre);
        }
    }
    centresGrad[i] = 2.0 * grad;
}

void main() {
    if (STAGE == 0) centreDots(linear_index());
    else if (STAGE == 1) pixelGradients(linear_index());
    else centreGradients(linear_index());
}
