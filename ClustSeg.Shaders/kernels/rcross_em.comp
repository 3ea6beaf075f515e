#version 450
// RCross EM step, forward (clustseg.md "Recurrent cross-attention"). Two dispatches, chosen by STAGE, both on a
// grid whose y is (batch, head), so that the batch and head are uniform per workgroup and the reads of queries and
// values that depend only on them are broadcasts; each invocation keeps a head-width slice in registers.
//   0, E-step, x over pixels: the scaled logits Qh Kh^T over all clusters and their softmax over the cluster axis,
//      written to assignment[b, h, k, n].
//   1, M-step, x over clusters: C_h[k] = sum_n A[k, n] Vh[n] / (sum_n A[k, n] + 1e-6), and that mass (kept for
//      backward).
// Layouts: queries and centres [B, K, D], keys and values [B, N, D], assignment [B, H, K, N], mass [B, H, K];
// head h owns channels h*D/H .. (h+1)*D/H - 1; HEAD_WIDTH = D/H.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;
layout(constant_id = 2) const uint HEAD_WIDTH = 16;
#include "head_slice.glsl"

layout(std430, binding = 0) readonly buffer Queries { float queries[]; };
layout(std430, binding = 0) readonly buffer Queries4 { vec4 queries4[]; };
layout(std430, binding = 1) readonly buffer Keys { float keys[]; };
layout(std430, binding = 2) readonly buffer Values { float values[]; };
layout(std430, binding = 2) readonly buffer Values4 { vec4 values4[]; };
layout(std430, binding = 3) buffer Assignment { float assignment[]; };
layout(std430, binding = 4) writeonly buffer Centres { float centres[]; };
layout(std430, binding = 5) writeonly buffer Mass { float mass[]; };
layout(push_constant) uniform Params {
    uint batch; uint clusters; uint pixels; uint channels; uint heads; float scale;
} p;

const float MASS_EPSILON = 1e-6;

void assign(uint b, uint h, uint n) {
    if (n >= p.pixels) return;
    float key[HEAD_WIDTH];
    uint keyBase = (b * p.pixels + n) * p.channels + h * HEAD_WIDTH;
    for (uint j = 0; j < HEAD_WIDTH; j++) key[j] = keys[keyBase + j];
    uint outBase = (b * p.heads + h) * p.clusters * p.pixels + n;
    // Logits go straight into the output and become probabilities in place (each invocation owns a column).
    float largest = -1.0 / 0.0;
    for (uint k = 0; k < p.clusters; k++) {
        uint queryBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
        float dot = 0.0;
        HEAD_DOT(dot, key, queries, queries4, queryBase)
        float logit = dot * p.scale;
        assignment[outBase + k * p.pixels] = logit;
        largest = max(largest, logit);
    }
    float total = 0.0;
    for (uint k = 0; k < p.clusters; k++) {
        float e = exp(assignment[outBase + k * p.pixels] - largest);
        assignment[outBase + k * p.pixels] = e;
        total += e;
    }
    float inverse = 1.0 / total;
    for (uint k = 0; k < p.clusters; k++) assignment[outBase + k * p.pixels] *= inverse;
}

void weightedMean(uint b, uint h, uint k) {
    if (k >= p.clusters) return;
    float weighted[HEAD_WIDTH];
    for (uint j = 0; j < HEAD_WIDTH; j++) weighted[j] = 0.0;
    float total = 0.0;
    uint rowBase = ((b * p.heads + h) * p.clusters + k) * p.pixels;
    for (uint n = 0; n < p.pixels; n++) {
        float a = assignment[rowBase + n];
        uint valueBase = (b * p.pixels + n) * p.channels + h * HEAD_WIDTH;
        HEAD_AXPY(weighted, a, values, values4, valueBase)
        total += a;
    }
    uint centreBase = (b * p.clusters + k) * p.channels + h * HEAD_WIDTH;
    for (uint j = 0; j < HEAD_WIDTH; j++) centres[centreBase + j] = weighted[j] / (total + MASS_EPSILON);
    mass[(b * p.heads + h) * p.clusters + k] = total;
}

void main() {
    uint b = gl_WorkGroupID.y / p.heads;
    uint h = gl_WorkGroupID.y % p.heads;
    uint x = gl_GlobalInvocationID.x;
    if (STAGE == 0) assign(b, h, x);
    else weightedMean(b, h, x);
}
