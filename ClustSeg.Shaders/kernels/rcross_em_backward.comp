#version 450
// RCross EM step, backward: gradients of queries, keys and values from the gradient of the centres, exact through
// the softmax over clusters and the mass normaliser. With m = sum_n A, C = (A V) / (m + eps):
//   dA[k,n] = (dC[k] . V[n] - dC[k] . C[k]) / (m_k + eps)
//   dV[n]   = sum_k A[k,n] dC[k] / (m_k + eps)
//   dS[k,n] = scale * A[k,n] (dA[k,n] - sum_k' A[k',n] dA[k',n])      (gradient of the unscaled dot products)
//   dK[n]   = sum_k dS[k,n] Q[k],   dQ[k] = sum_n dS[k,n] K[n]            (all per head)
// Three dispatches, chosen by STAGE:
//   0: per (batch, head, cluster): centreDot = dC[k] . C[k] over the head's channels.
//   1: per (batch, head, pixel): dS for every cluster (to dScores), dK and dV for the head's channels.
//   2: per (batch, cluster, channel): dQ.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;

layout(std430, binding = 0) readonly buffer Queries { float queries[]; };
layout(std430, binding = 1) readonly buffer Keys { float keys[]; };
layout(std430, binding = 2) readonly buffer Values { float values[]; };
layout(std430, binding = 3) readonly buffer Assignment { float assignment[]; };
layout(std430, binding = 4) readonly buffer Mass { float mass[]; };
layout(std430, binding = 5) readonly buffer Centres { float centres[]; };
layout(std430, binding = 6) readonly buffer CentresGrad { float centresGrad[]; };
layout(std430, binding = 7) buffer CentreDot { float centreDot[]; };
layout(std430, binding = 8) buffer ScoresGrad { float scoresGrad[]; };
layout(std430, binding = 9) writeonly buffer QueriesGrad { float queriesGrad[]; };
layout(std430, binding = 10) writeonly buffer KeysGrad { float keysGrad[]; };
layout(std430, binding = 11) writeonly buffer ValuesGrad { float valuesGrad[]; };
layout(push_constant) uniform Params {
    uint batch; uint clusters; uint pixels; uint channels; uint heads; float scale;
} p;

const float MASS_EPSILON = 1e-6;

void centreDots(uint i) {
    if (i >= p.batch * p.heads * p.clusters) return;
    uint headWidth = p.channels / p.heads;
    uint k = i % p.clusters;
    uint bh = i / p.clusters;
    uint h = bh % p.heads;
    uint b = bh / p.heads;
    uint base = (b * p.clusters + k) * p.channels + h * headWidth;
    float dot = 0.0;
    for (uint j = 0; j < headWidth; j++) dot += centresGrad[base + j] * centres[base + j];
    centreDot[i] = dot;
}

void pixelGradients(uint i) {
    if (i >= p.batch * p.heads * p.pixels) return;
    uint headWidth = p.channels / p.heads;
    uint n = i % p.pixels;
    uint bh = i / p.pixels;
    uint h = bh % p.heads;
    uint b = bh / p.heads;
    uint pixelBase = (b * p.pixels + n) * p.channels + h * headWidth;
    uint columnBase = bh * p.clusters * p.pixels + n;
    uint statBase = bh * p.clusters;
    // dA per cluster is parked in scoresGrad, then replaced by dS once the softmax's weighted mean is known.
    float weightedSum = 0.0;
    for (uint k = 0; k < p.clusters; k++) {
        uint centreBase = (b * p.clusters + k) * p.channels + h * headWidth;
        float dot = 0.0;
        for (uint j = 0; j < headWidth; j++) dot += centresGrad[centreBase + j] * values[pixelBase + j];
        float gradA = (dot - centreDot[statBase + k]) / (mass[statBase + k] + MASS_EPSILON);
        scoresGrad[columnBase + k * p.pixels] = gradA;
        weightedSum += assignment[columnBase + k * p.pixels] * gradA;
    }
    for (uint k = 0; k < p.clusters; k++) {
        uint at = columnBase + k * p.pixels;
        scoresGrad[at] = p.scale * assignment[at] * (scoresGrad[at] - weightedSum);
    }
    for (uint j = 0; j < headWidth; j++) {
        float keyGrad = 0.0;
        float valueGrad = 0.0;
        for (uint k = 0; k < p.clusters; k++) {
            uint at = columnBase + k * p.pixels;
            uint centreAt = (b * p.clusters + k) * p.channels + h * headWidth + j;
            keyGrad += scoresGrad[at] * queries[centreAt];
            valueGrad += assignment[at] * centresGrad[centreAt] / (mass[statBase + k] + MASS_EPSILON);
        }
        keysGrad[pixelBase + j] = keyGrad;
        valuesGrad[pixelBase + j] = valueGrad;
    }
}

void queryGradients(uint i) {
    if (i >= p.batch * p.clusters * p.channels) return;
    uint headWidth = p.channels / p.heads;
    uint c = i % p.channels;
    uint bk = i / p.channels;
    uint k = bk % p.clusters;
    uint b = bk / p.clusters;
    uint h = c / headWidth;
    uint rowBase = ((b * p.heads + h) * p.clusters + k) * p.pixels;
    float grad = 0.0;
    for (uint n = 0; n < p.pixels; n++) grad += scoresGrad[rowBase + n] * keys[(b * p.pixels + n) * p.channels + c];
    queriesGrad[i] = grad;
}

void main() {
    if (STAGE == 0) centreDots(linear_index());
    else if (STAGE == 1) pixelGradients(linear_index());
    else queryGradients(linear_index());
}
