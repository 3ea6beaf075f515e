#version 450
// RCross EM step, forward (clustseg.md "Recurrent cross-attention"). Two dispatches, chosen by STAGE, both on a
// grid whose y is (batch, head), so that the batch and head are uniform per workgroup and the reads of queries and
// values that depend only on them are the same texel for every lane; each invocation keeps a head-width slice in
// registers.
//   0, E-step, x over pixels: the scaled logits Qh Kh^T over all clusters and their softmax over the cluster axis,
//      written to assignment[b, h, k, n]. Two passes over the clusters, recomputing each logit rather than storing
//      and re-reading it: the first keeps a running maximum and sum (online softmax), the second writes every
//      probability once. On llvmpipe a storage access costs far more than the 16 FMAs of a logit.
//   1, M-step, x over clusters: C_h[k] = sum_n A[k, n] Vh[n] / (sum_n A[k, n] + 1e-6), and that mass (kept for
//      backward). The assignment is read through binding 6, a texel view of the tensor stage 0 wrote at binding 3.
// Inputs are uniform texel buffers (texel_element in common.glsl explains why). Layouts: queries and centres
// [B, K, D], keys and values [B, N, D], assignment [B, H, K, N], mass [B, H, K]; head h owns channels
// h*D/H .. (h+1)*D/H - 1; HEAD_WIDTH = D/H.
// With PIXELS = 8 or 4 (CPU devices; N a multiple of it, HEAD_WIDTH of 4) an E-step invocation takes that many pixels:
// each cluster's query slice is then fetched once for all of them and their probabilities go out as vec4 stores.
// On llvmpipe the loads and stores, not the FMAs, are the cost, and a lane per pixel paid them for each. Likewise an
// M-step invocation takes CLUSTERS = 4 clusters there, so each pixel's value slice is fetched once for 4 of them.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;
layout(constant_id = 2) const uint HEAD_WIDTH = 16;
layout(constant_id = 3) const uint PIXELS = 1;   // pixels per E-step invocation
layout(constant_id = 4) const uint CLUSTERS = 1; // clusters per M-step invocation
#include "head_slice.glsl"

layout(binding = 0) uniform samplerBuffer queries;
layout(binding = 1) uniform samplerBuffer keys;
layout(binding = 2) uniform samplerBuffer values;
layout(std430, binding = 3) writeonly buffer Assignment { float assignment[]; };
layout(std430, binding = 3) writeonly buffer Assignment4 { vec4 assignment4[]; };
layout(std430, binding = 4) writeonly buffer Centres { float centres[]; };
layout(std430, binding = 5) writeonly buffer Mass { float mass[]; };
layout(binding = 6) uniform samplerBuffer assignmentIn;
layout(push_constant) uniform Params {
    uint batch; uint clusters; uint pixels; uint channels; uint heads; float scale;
} p;

const float MASS_EPSILON = 1e-6;

// logits[e] = scale * Qh[k] . Kh[n0 + e] for the invocation's pixels.
void logits(uint b, uint h, uint k, float key[PIXELS][HEAD_WIDTH], out float result[PIXELS]) {
    float query[HEAD_WIDTH];
    HEAD_LOAD(query, queries, (b * p.clusters + k) * p.channels + h * HEAD_WIDTH)
    [[unroll]] for (uint e = 0; e < PIXELS; e++) {
        float dot = 0.0;
        for (uint j = 0; j < HEAD_WIDTH; j++) dot += query[j] * key[e][j];
        result[e] = dot * p.scale;
    }
}

void assign(uint b, uint h, uint n0) {
    if (n0 >= p.pixels) return;
    float key[PIXELS][HEAD_WIDTH];
    float largest[PIXELS], total[PIXELS], l[PIXELS];
    [[unroll]] for (uint e = 0; e < PIXELS; e++) {
        HEAD_LOAD(key[e], keys, (b * p.pixels + n0 + e) * p.channels + h * HEAD_WIDTH)
        largest[e] = -1.0 / 0.0;
        total[e] = 0.0;
    }
    for (uint k = 0; k < p.clusters; k++) {
        logits(b, h, k, key, l);
        [[unroll]] for (uint e = 0; e < PIXELS; e++) {
            const float next = max(largest[e], l[e]);
            total[e] = total[e] * exp(largest[e] - next) + exp(l[e] - next);
            largest[e] = next;
        }
    }
    float inverse[PIXELS];
    [[unroll]] for (uint e = 0; e < PIXELS; e++) inverse[e] = 1.0 / total[e];
    const uint outBase = (b * p.heads + h) * p.clusters * p.pixels + n0;
    for (uint k = 0; k < p.clusters; k++) {
        logits(b, h, k, key, l);
        float a[PIXELS];
        [[unroll]] for (uint e = 0; e < PIXELS; e++) a[e] = exp(l[e] - largest[e]) * inverse[e];
        if (PIXELS % 4 == 0) {
            [[unroll]] for (uint e = 0; e < PIXELS; e += 4)
                assignment4[(outBase + k * p.pixels + e) / 4] = vec4(a[e], a[e + 1], a[e + 2], a[e + 3]);
        } else {
            assignment[outBase + k * p.pixels] = a[0];
        }
    }
}

void weightedMean(uint b, uint h, uint k0) {
    if (k0 >= p.clusters) return;
    float weighted[CLUSTERS][HEAD_WIDTH], total[CLUSTERS];
    uint rowBase[CLUSTERS];
    [[unroll]] for (uint c = 0; c < CLUSTERS; c++) {
        for (uint j = 0; j < HEAD_WIDTH; j++) weighted[c][j] = 0.0;
        total[c] = 0.0;
        // Clusters past the last one (K not a multiple of CLUSTERS) re-read its row and are not stored.
        rowBase[c] = ((b * p.heads + h) * p.clusters + min(k0 + c, p.clusters - 1)) * p.pixels;
    }
    ROWS_TIMES_SLICES(weighted, total, assignmentIn, rowBase, p.pixels, p.pixels % 4 == 0, values,
        b * p.pixels * p.channels + h * HEAD_WIDTH, p.channels)
    [[unroll]] for (uint c = 0; c < CLUSTERS; c++) {
        const uint k = k0 + c;
        if (k >= p.clusters) break;
        const uint centreBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
        for (uint j = 0; j < HEAD_WIDTH; j++) centres[centreBase + j] = weighted[c][j] / (total[c] + MASS_EPSILON);
        mass[(b * p.heads + h) * p.clusters + k] = total[c];
    }
}

void main() {
    const uint b = gl_WorkGroupID.y / p.heads;
    const uint h = gl_WorkGroupID.y % p.heads;
    const uint x = gl_GlobalInvocationID.x;
    if (STAGE == 0) assign(b, h, PIXELS * x);
    else weightedMean(b, h, CLUSTERS * x);
}
