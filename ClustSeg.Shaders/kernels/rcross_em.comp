#version 450
// RCross EM step, forward (clustseg.md "Recurrent cross-attention"). Two dispatches, chosen by STAGE:
//   0, E-step: one invocation per (batch, head, pixel) computes the scaled logits Qh Kh^T over all clusters and
//      their softmax over the cluster axis, written to assignment[b, h, k, n].
//   1, M-step: one invocation per (batch, cluster, channel) forms the assignment-weighted mean
//      C = sum_n A V / (sum_n A + 1e-6) and (first channel of each head) the mass sum_n A, kept for backward.
// Layouts: queries and centres [B, K, D], keys and values [B, N, D], assignment [B, H, K, N], mass [B, H, K];
// head h owns channels h*D/H .. (h+1)*D/H - 1.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;

layout(std430, binding = 0) readonly buffer Queries { float queries[]; };
layout(std430, binding = 1) readonly buffer Keys { float keys[]; };
layout(std430, binding = 2) readonly buffer Values { float values[]; };
layout(std430, binding = 3) buffer Assignment { float assignment[]; };
layout(std430, binding = 4) writeonly buffer Centres { float centres[]; };
layout(std430, binding = 5) writeonly buffer Mass { float mass[]; };
layout(push_constant) uniform Params {
    uint batch; uint clusters; uint pixels; uint channels; uint heads; float scale;
} p;

const float MASS_EPSILON = 1e-6;

void assign(uint i) {
    if (i >= p.batch * p.heads * p.pixels) return;
    uint headWidth = p.channels / p.heads;
    uint n = i % p.pixels;
    uint bh = i / p.pixels;
    uint h = bh % p.heads;
    uint b = bh / p.heads;
    uint keyBase = (b * p.pixels + n) * p.channels + h * headWidth;
    uint outBase = bh * p.clusters * p.pixels + n;
    // Logits go straight into the output and are turned into probabilities in place (each invocation owns a column).
    float largest = -1.0 / 0.0;
    for (uint k = 0; k < p.clusters; k++) {
        uint queryBase = (b * p.clusters + k) * p.channels + h * headWidth;
        float dot = 0.0;
        for (uint j = 0; j < headWidth; j++) dot += queries[queryBase + j] * keys[keyBase + j];
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

void weightedMean(uint i) {
    if (i >= p.batch * p.clusters * p.channels) return;
    uint headWidth = p.channels / p.heads;
    uint c = i % p.channels;
    uint bk = i / p.channels;
    uint k = bk % p.clusters;
    uint b = bk / p.clusters;
    uint h = c / headWidth;
    uint rowBase = ((b * p.heads + h) * p.clusters + k) * p.pixels;
    float weighted = 0.0;
    float total = 0.0;
    for (uint n = 0; n < p.pixels; n++) {
        float a = assignment[rowBase + n];
        weighted += a * values[(b * p.pixels + n) * p.channels + c];
        total += a;
    }
    centres[i] = weighted / (total + MASS_EPSILON);
    if (c % headWidth == 0) mass[(b * p.heads + h) * p.clusters + k] = total;
}

void main() {
    if (STAGE == 0) assign(linear_index());
    else weightedMean(linear_index());
}
