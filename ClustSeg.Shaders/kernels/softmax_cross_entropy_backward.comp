#version 450
// Backward of softmax_cross_entropy.comp: dlogits[o, c, i] = g w[y] / W (softmax_c - [c == y]), zero where the
// label is ignored; g = lossGrad[0], W = weightTotal[0] from the forward. One invocation per (outer, inner).
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool WEIGHTED = false;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) readonly buffer Labels { int labels[]; };
layout(std430, binding = 2) readonly buffer ClassWeights { float classWeights[]; };
layout(std430, binding = 3) readonly buffer WeightTotal { float weightTotal[]; };
layout(std430, binding = 4) readonly buffer LossGrad { float lossGrad[]; };
layout(std430, binding = 5) writeonly buffer LogitsGrad { float logitsGrad[]; };
layout(push_constant) uniform Params { uint outer; uint classes; uint inner; } p;

void main() {
    uint i = linear_index();
    if (i >= p.outer * p.inner) return;
    uint base = (i / p.inner) * p.classes * p.inner + i % p.inner;
    int label = labels[i];
    if (label < 0 || uint(label) >= p.classes || weightTotal[0] <= 0.0) {
        for (uint c = 0; c < p.classes; c++) logitsGrad[base + c * p.inner] = 0.0;
        return;
    }
    float coefficient = lossGrad[0] * (WEIGHTED ? classWeights[label] : 1.0) / weightTotal[0];
    float largest = -1.0 / 0.0;
    for (uint c = 0; c < p.classes; c++) largest = max(largest, logits[base + c * p.inner]);
    float total = 0.0;
    for (uint c = 0; c < p.classes; c++) total += exp(logits[base + c * p.inner] - largest);
    float inverse = 1.0 / total;
    for (uint c = 0; c < p.classes; c++) {
        float probability = exp(logits[base + c * p.inner] - largest) * inverse;
        logitsGrad[base + c * p.inner] = coefficient * (probability - (c == uint(label) ? 1.0 : 0.0));
    }
}
