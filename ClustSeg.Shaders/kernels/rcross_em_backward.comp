#version 450
// RCross EM step, backward: gradients of queries, keys and values from the gradient of the centres, exact through
// the softmax over clusters and the mass normaliser. With m = sum_n A, C = (A V) / (m + eps), per head:
//   dA[k,n] = (dC[k] . V[n] - dC[k] . C[k]) / (m_k + eps)
//   dV[n]   = sum_k A[k,n] dC[k] / (m_k + eps)
//   dS[k,n] = scale * A[k,n] (dA[k,n] - sum_k' A[k',n] dA[k',n])      (gradient of the unscaled dot products)
//   dK[n]   = sum_k dS[k,n] Q[k],   dQ[k] = sum_n dS[k,n] K[n]
// Three dispatches, chosen by STAGE:
//   0, linear over (batch, head, cluster): centreDot = dC[k] . C[k] over the head's channels.
//   1, x over pixels, y over (batch, head): dS for every cluster (to scoresGrad), dK and dV of the head's channels.
//   2, x over clusters, y over (batch, head): dQ of the head's channels.
// As in the forward, batch and head are uniform per workgroup in stages 1 and 2 and head slices live in registers.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;
layout(constant_id = 2) const uint HEAD_WIDTH = 16;
#include "head_slice.glsl"

layout(std430, binding = 0) readonly buffer Queries { float queries[]; };
layout(std430, binding = 0) readonly buffer Queries4 { vec4 queries4[]; };
layout(std430, binding = 1) readonly buffer Keys { float keys[]; };
layout(std430, binding = 1) readonly buffer Keys4 { vec4 keys4[]; };
layout(std430, binding = 2) readonly buffer Values { float values[]; };
layout(std430, binding = 3) readonly buffer Assignment { float assignment[]; };
layout(std430, binding = 4) readonly buffer Mass { float mass[]; };
layout(std430, binding = 5) readonly buffer Centres { float centres[]; };
layout(std430, binding = 6) readonly buffer CentresGrad { float centresGrad[]; };
layout(std430, binding = 6) readonly buffer CentresGrad4 { vec4 centresGrad4[]; };
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
    uint k = i % p.clusters;
    uint bh = i / p.clusters;
    uint h = bh % p.heads;
    uint b = bh / p.heads;
    uint base = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
    float dot = 0.0;
    for (uint j = 0; j < HEAD_WIDTH; j++) dot += centresGrad[base + j] * centres[base + j];
    centreDot[i] = dot;
}

void pixelGradients(uint b, uint h, uint n) {
    if (n >= p.pixels) return;
    uint bh = b * p.heads + h;
    uint pixelBase = (b * p.pixels + n) * p.channels + h * HEAD_WIDTH;
    uint columnBase = bh * p.clusters * p.pixels + n;
    float value[HEAD_WIDTH];
    for (uint j = 0; j < HEAD_WIDTH; j++) value[j] = values[pixelBase + j];
    // dA per cluster is parked in scoresGrad, then replaced by dS once the softmax's weighted mean is known.
    float weightedSum = 0.0;
    for (uint k = 0; k < p.clusters; k++) {
        uint centreBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
        float dot = 0.0;
        HEAD_DOT(dot, value, centresGrad, centresGrad4, centreBase)
        float gradA = (dot - centreDot[bh * p.clusters + k]) / (mass[bh * p.clusters + k] + MASS_EPSILON);
        scoresGrad[columnBase + k * p.pixels] = gradA;
        weightedSum += assignment[columnBase + k * p.pixels] * gradA;
    }
    float keyGrad[HEAD_WIDTH];
    float valueGrad[HEAD_WIDTH];
    for (uint j = 0; j < HEAD_WIDTH; j++) { keyGrad[j] = 0.0; valueGrad[j] = 0.0; }
    for (uint k = 0; k < p.clusters; k++) {
        uint at = columnBase + k * p.pixels;
        float a = assignment[at];
        float scoreGrad = p.scale * a * (scoresGrad[at] - weightedSum);
        scoresGrad[at] = scoreGrad;
        float massWeight = a / (mass[bh * p.clusters + k] + MASS_EPSILON);
        uint centreBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
        HEAD_AXPY(keyGrad, scoreGrad, queries, queries4, centreBase)
        HEAD_AXPY(valueGrad, massWeight, centresGrad, centresGrad4, centreBase)
    }
    for (uint j = 0; j < HEAD_WIDTH; j++) {
        keysGrad[pixelBase + j] = keyGrad[j];
        valuesGrad[pixelBase + j] = valueGrad[j];
    }
}

void queryGradients(uint b, uint h, uint k) {
    if (k >= p.clusters) return;
    float grad[HEAD_WIDTH];
    for (uint j = 0; j < HEAD_WIDTH; j++) grad[j] = 0.0;
    uint rowBase = ((b * p.heads + h) * p.clusters + k) * p.pixels;
    for (uint n = 0; n < p.pixels; n++) {
        float s = scoresGrad[rowBase + n];
        uint keyBase = (b * p.pixels + n) * p.channels + h * HEAD_WIDTH;
        HEAD_AXPY(grad, s, keys, keys4, keyBase)
    }
    uint queryBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
    for (uint j = 0; j < HEAD_WIDTH; j++) queriesGrad[queryBase + j] = grad[j];
}

void main() {
    uint b = gl_WorkGroupID.y / p.heads;
    uint h = gl_WorkGroupID.y % p.heads;
    if (STAGE == 0) centreDots(linear_index());
    else if (STAGE == 1) pixelGradients(b, h, gl_GlobalInvocationID.x);
    else queryGradients(b, h, gl_GlobalInvocationID.x);
}
