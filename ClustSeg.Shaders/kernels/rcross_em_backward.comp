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
//      Two passes over the clusters, the second recomputing dA instead of storing and re-reading it, so that each
//      (cluster, pixel) is stored once (as in the forward's E-step).
//   2, x over clusters, y over (batch, head): dQ of the head's channels, reading dS through binding 13.
// Tensors a later stage reads after an earlier one wrote them are bound twice: as a storage buffer to write and as a
// texel view to read (centreDot at 7 and 12, scoresGrad at 8 and 13). Everything read is a uniform texel buffer.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;
layout(constant_id = 2) const uint HEAD_WIDTH = 16;
#include "head_slice.glsl"

layout(binding = 0) uniform samplerBuffer queries;
layout(binding = 1) uniform samplerBuffer keys;
layout(binding = 2) uniform samplerBuffer values;
layout(binding = 3) uniform samplerBuffer assignment;
layout(binding = 4) uniform samplerBuffer mass;
layout(binding = 5) uniform samplerBuffer centres;
layout(binding = 6) uniform samplerBuffer centresGrad;
layout(std430, binding = 7) writeonly buffer CentreDot { float centreDot[]; };
layout(std430, binding = 8) writeonly buffer ScoresGrad { float scoresGrad[]; };
layout(std430, binding = 9) writeonly buffer QueriesGrad { float queriesGrad[]; };
layout(std430, binding = 10) writeonly buffer KeysGrad { float keysGrad[]; };
layout(std430, binding = 11) writeonly buffer ValuesGrad { float valuesGrad[]; };
layout(binding = 12) uniform samplerBuffer centreDotIn;
layout(binding = 13) uniform samplerBuffer scoresGradIn;
layout(push_constant) uniform Params {
    uint batch; uint clusters; uint pixels; uint channels; uint heads; float scale;
} p;

const float MASS_EPSILON = 1e-6;

void centreDots(uint i) {
    if (i >= p.batch * p.heads * p.clusters) return;
    const uint k = i % p.clusters;
    const uint bh = i / p.clusters;
    const uint h = bh % p.heads;
    const uint b = bh / p.heads;
    const uint base = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
    float grad[HEAD_WIDTH];
    HEAD_LOAD(grad, centresGrad, base)
    float dot = 0.0;
    HEAD_DOT(dot, grad, centres, base)
    centreDot[i] = dot;
}

void pixelGradients(uint b, uint h, uint n) {
    if (n >= p.pixels) return;
    const uint bh = b * p.heads + h;
    const uint pixelBase = (b * p.pixels + n) * p.channels + h * HEAD_WIDTH;
    const uint columnBase = bh * p.clusters * p.pixels + n;
    float value[HEAD_WIDTH];
    HEAD_LOAD(value, values, pixelBase)
    float weightedSum = 0.0;
    for (uint k = 0; k < p.clusters; k++) {
        float dot = 0.0;
        HEAD_DOT(dot, value, centresGrad, (b * p.clusters + k) * p.channels + h * HEAD_WIDTH)
        const float gradA = (dot - texel_element(centreDotIn, bh * p.clusters + k)) / (texel_element(mass, bh * p.clusters + k) + MASS_EPSILON);
        weightedSum += texel_element(assignment, columnBase + k * p.pixels) * gradA;
    }
    float keyGrad[HEAD_WIDTH];
    float valueGrad[HEAD_WIDTH];
    for (uint j = 0; j < HEAD_WIDTH; j++) { keyGrad[j] = 0.0; valueGrad[j] = 0.0; }
    for (uint k = 0; k < p.clusters; k++) {
        const uint centreBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
        float grad[HEAD_WIDTH];
        HEAD_LOAD(grad, centresGrad, centreBase)
        float dot = 0.0;
        for (uint j = 0; j < HEAD_WIDTH; j++) dot += value[j] * grad[j];
        const float inverseMass = 1.0 / (texel_element(mass, bh * p.clusters + k) + MASS_EPSILON);
        const float gradA = (dot - texel_element(centreDotIn, bh * p.clusters + k)) * inverseMass;
        const uint at = columnBase + k * p.pixels;
        const float a = texel_element(assignment, at);
        const float scoreGrad = p.scale * a * (gradA - weightedSum);
        scoresGrad[at] = scoreGrad;
        HEAD_AXPY(keyGrad, scoreGrad, queries, centreBase)
        const float massWeight = a * inverseMass;
        for (uint j = 0; j < HEAD_WIDTH; j++) valueGrad[j] += massWeight * grad[j];
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
    const uint rowBase = ((b * p.heads + h) * p.clusters + k) * p.pixels;
    const uint keyBase = b * p.pixels * p.channels + h * HEAD_WIDTH;
#define ACCUMULATE(s, n) { HEAD_AXPY(grad, s, keys, keyBase + (n) * p.channels) }
    ROW_WALK(scoresGradIn, rowBase, p.pixels, p.pixels % 4 == 0, ACCUMULATE)
#undef ACCUMULATE
    const uint queryBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
    for (uint j = 0; j < HEAD_WIDTH; j++) queriesGrad[queryBase + j] = grad[j];
}

void main() {
    const uint b = gl_WorkGroupID.y / p.heads;
    const uint h = gl_WorkGroupID.y % p.heads;
    if (STAGE == 0) centreDots(linear_index());
    else if (STAGE == 1) pixelGradients(b, h, gl_GlobalInvocationID.x);
    else queryGradients(b, h, gl_GlobalInvocationID.x);
}
