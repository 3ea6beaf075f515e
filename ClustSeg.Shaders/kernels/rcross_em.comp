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
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;
layout(constant_id = 2) const uint HEAD_WIDTH = 16;
#include "head_slice.glsl"

layout(binding = 0) uniform samplerBuffer queries;
layout(binding = 1) uniform samplerBuffer keys;
layout(binding = 2) uniform samplerBuffer values;
layout(std430, binding = 3) writeonly buffer Assignment { float assignment[]; };
layout(std430, binding = 4) writeonly buffer Centres { float centres[]; };
layout(std430, binding = 5) writeonly buffer Mass { float mass[]; };
layout(binding = 6) uniform samplerBuffer assignmentIn;
layout(push_constant) uniform Params {
    uint batch; uint clusters; uint pixels; uint channels; uint heads; float scale;
} p;

const float MASS_EPSILON = 1e-6;

float logit(uint b, uint h, uint k, float key[HEAD_WIDTH]) {
    const uint queryBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
    float dot = 0.0;
    HEAD_DOT(dot, key, queries, queryBase)
    return dot * p.scale;
}

void assign(uint b, uint h, uint n) {
    if (n >= p.pixels) return;
    float key[HEAD_WIDTH];
    HEAD_LOAD(key, keys, (b * p.pixels + n) * p.channels + h * HEAD_WIDTH)
    float largest = -1.0 / 0.0, total = 0.0;
    for (uint k = 0; k < p.clusters; k++) {
        const float l = logit(b, h, k, key);
        const float next = max(largest, l);
        total = total * exp(largest - next) + exp(l - next);
        largest = next;
    }
    const float inverse = 1.0 / total;
    const uint outBase = (b * p.heads + h) * p.clusters * p.pixels + n;
    for (uint k = 0; k < p.clusters; k++) assignment[outBase + k * p.pixels] = exp(logit(b, h, k, key) - largest) * inverse;
}

void weightedMean(uint b, uint h, uint k) {
    if (k >= p.clusters) return;
    float weighted[HEAD_WIDTH];
    for (uint j = 0; j < HEAD_WIDTH; j++) weighted[j] = 0.0;
    float total = 0.0;
    const uint rowBase = ((b * p.heads + h) * p.clusters + k) * p.pixels;
    const uint valueBase = b * p.pixels * p.channels + h * HEAD_WIDTH;
#define ACCUMULATE(a, n) { HEAD_AXPY(weighted, a, values, valueBase + (n) * p.channels) total += a; }
    ROW_WALK(assignmentIn, rowBase, p.pixels, p.pixels % 4 == 0, ACCUMULATE)
#undef ACCUMULATE
    const uint centreBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
    for (uint j = 0; j < HEAD_WIDTH; j++) centres[centreBase + j] = weighted[j] / (total + MASS_EPSILON);
    mass[(b * p.heads + h) * p.clusters + k] = total;
}

void main() {
    const uint b = gl_WorkGroupID.y / p.heads;
    const uint h = gl_WorkGroupID.y % p.heads;
    const uint x = gl_GlobalInvocationID.x;
    if (STAGE == 0) assign(b, h, x);
    else weightedMean(b, h, x);
}
