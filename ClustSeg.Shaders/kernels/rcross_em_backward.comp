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
// With PIXELS = 8 or 4 (CPU devices; N a multiple of it, HEAD_WIDTH of 4) a stage-1 invocation takes that many
// consecutive pixels, so each cluster's slices, mass and centre dot are fetched once for all of them, their assignments
// as whole texels and their score gradients stored as vec4s (rcross_em.comp says why); and a stage-2 invocation takes
// CLUSTERS = 4 clusters, so each pixel's key slice is fetched once for 4 of them.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;
layout(constant_id = 2) const uint HEAD_WIDTH = 16;
layout(constant_id = 3) const uint PIXELS = 1;   // pixels per stage-1 invocation
layout(constant_id = 4) const uint CLUSTERS = 1; // clusters per stage-2 invocation
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
layout(std430, binding = 8) writeonly buffer ScoresGrad4 { vec4 scoresGrad4[]; };
layout(std430, binding = 9) writeonly buffer QueriesGrad { float queriesGrad[]; };
layout(std430, binding = 10) writeonly buffer KeysGrad { float keysGrad[]; };
layout(std430, binding = 10) writeonly buffer KeysGrad4 { vec4 keysGrad4[]; };
layout(std430, binding = 11) writeonly buffer ValuesGrad { float valuesGrad[]; };
layout(std430, binding = 11) writeonly buffer ValuesGrad4 { vec4 valuesGrad4[]; };
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

// The invocation's pixels' assignments to cluster k: one texel when PIXELS = 4 (then n0 and N are multiples of 4).
void assignments(uint at, out float result[PIXELS]) {
    if (PIXELS % 4 == 0) {
        [[unroll]] for (uint e = 0; e < PIXELS; e += 4) {
            const vec4 t = texelFetch(assignment, int((at + e) / 4));
            result[e] = t.x; result[e + 1] = t.y; result[e + 2] = t.z; result[e + 3] = t.w;
        }
    } else {
        result[0] = texel_element(assignment, at);
    }
}

void pixelGradients(uint b, uint h, uint n0) {
    if (n0 >= p.pixels) return;
    const uint bh = b * p.heads + h;
    const uint columnBase = bh * p.clusters * p.pixels + n0;
    float value[PIXELS][HEAD_WIDTH];
    float weightedSum[PIXELS], a[PIXELS];
    [[unroll]] for (uint e = 0; e < PIXELS; e++) {
        HEAD_LOAD(value[e], values, (b * p.pixels + n0 + e) * p.channels + h * HEAD_WIDTH)
        weightedSum[e] = 0.0;
    }
    for (uint k = 0; k < p.clusters; k++) {
        float grad[HEAD_WIDTH];
        HEAD_LOAD(grad, centresGrad, (b * p.clusters + k) * p.channels + h * HEAD_WIDTH)
        const float centreDot = texel_element(centreDotIn, bh * p.clusters + k);
        const float inverseMass = 1.0 / (texel_element(mass, bh * p.clusters + k) + MASS_EPSILON);
        assignments(columnBase + k * p.pixels, a);
        [[unroll]] for (uint e = 0; e < PIXELS; e++) {
            float dot = 0.0;
            for (uint j = 0; j < HEAD_WIDTH; j++) dot += value[e][j] * grad[j];
            weightedSum[e] += a[e] * (dot - centreDot) * inverseMass;
        }
    }
    float keyGrad[PIXELS][HEAD_WIDTH];
    float valueGrad[PIXELS][HEAD_WIDTH];
    [[unroll]] for (uint e = 0; e < PIXELS; e++)
        for (uint j = 0; j < HEAD_WIDTH; j++) { keyGrad[e][j] = 0.0; valueGrad[e][j] = 0.0; }
    for (uint k = 0; k < p.clusters; k++) {
        const uint centreBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
        float grad[HEAD_WIDTH], query[HEAD_WIDTH];
        HEAD_LOAD(grad, centresGrad, centreBase)
        HEAD_LOAD(query, queries, centreBase)
        const float centreDot = texel_element(centreDotIn, bh * p.clusters + k);
        const float inverseMass = 1.0 / (texel_element(mass, bh * p.clusters + k) + MASS_EPSILON);
        const uint at = columnBase + k * p.pixels;
        assignments(at, a);
        float scoreGrad[PIXELS];
        [[unroll]] for (uint e = 0; e < PIXELS; e++) {
            float dot = 0.0;
            for (uint j = 0; j < HEAD_WIDTH; j++) dot += value[e][j] * grad[j];
            const float gradA = (dot - centreDot) * inverseMass;
            scoreGrad[e] = p.scale * a[e] * (gradA - weightedSum[e]);
            const float massWeight = a[e] * inverseMass;
            for (uint j = 0; j < HEAD_WIDTH; j++) {
                keyGrad[e][j] += scoreGrad[e] * query[j];
                valueGrad[e][j] += massWeight * grad[j];
            }
        }
        if (PIXELS % 4 == 0) {
            [[unroll]] for (uint e = 0; e < PIXELS; e += 4)
                scoresGrad4[(at + e) / 4] = vec4(scoreGrad[e], scoreGrad[e + 1], scoreGrad[e + 2], scoreGrad[e + 3]);
        } else {
            scoresGrad[at] = scoreGrad[0];
        }
    }
    [[unroll]] for (uint e = 0; e < PIXELS; e++) {
        const uint pixelBase = (b * p.pixels + n0 + e) * p.channels + h * HEAD_WIDTH;
        if (HEAD_VEC4) {
            for (uint j = 0; j < HEAD_WIDTH; j += 4) {
                keysGrad4[(pixelBase + j) / 4] = vec4(keyGrad[e][j], keyGrad[e][j + 1], keyGrad[e][j + 2], keyGrad[e][j + 3]);
                valuesGrad4[(pixelBase + j) / 4] = vec4(valueGrad[e][j], valueGrad[e][j + 1], valueGrad[e][j + 2], valueGrad[e][j + 3]);
            }
        } else {
            for (uint j = 0; j < HEAD_WIDTH; j++) {
                keysGrad[pixelBase + j] = keyGrad[e][j];
                valuesGrad[pixelBase + j] = valueGrad[e][j];
            }
        }
    }
}

void queryGradients(uint b, uint h, uint k0) {
    if (k0 >= p.clusters) return;
    float grad[CLUSTERS][HEAD_WIDTH], unused[CLUSTERS];
    uint rowBase[CLUSTERS];
    [[unroll]] for (uint c = 0; c < CLUSTERS; c++) {
        for (uint j = 0; j < HEAD_WIDTH; j++) grad[c][j] = 0.0;
        unused[c] = 0.0;
        rowBase[c] = ((b * p.heads + h) * p.clusters + min(k0 + c, p.clusters - 1)) * p.pixels; // as in rcross_em.comp
    }
    ROWS_TIMES_SLICES(grad, unused, scoresGradIn, rowBase, p.pixels, p.pixels % 4 == 0, keys,
        b * p.pixels * p.channels + h * HEAD_WIDTH, p.channels)
    [[unroll]] for (uint c = 0; c < CLUSTERS; c++) {
        const uint k = k0 + c;
        if (k >= p.clusters) break;
        const uint queryBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
        for (uint j = 0; j < HEAD_WIDTH; j++) queriesGrad[queryBase + j] = grad[c][j];
    }
}

void main() {
    const uint b = gl_WorkGroupID.y / p.heads;
    const uint h = gl_WorkGroupID.y % p.heads;
    if (STAGE == 0) centreDots(linear_index());
    else if (STAGE == 1) pixelGradients(b, h, PIXELS * gl_GlobalInvocationID.x);
    else queryGradients(b, h, CLUSTERS * gl_GlobalInvocationID.x);
}
