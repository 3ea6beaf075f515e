#version 450
// Backward of sigmoid_bce.comp: dx_i = g (sigmoid(x_i) - t_i) / count, g = lossGrad[0].
#include "common.glsl"
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) readonly buffer Targets { float targets[]; };
layout(std430, binding = 2) readonly buffer LossGrad { float lossGrad[]; };
layout(std430, binding = 3) writeonly buffer LogitsGrad { float logitsGrad[]; };
layout(push_constant) uniform Params { uint count; } p;

void main() {
    uint i = linear_index();
    if (i >= p.count) return;
    float probability = 1.0 / (1.0 + exp(-logits[i]));
    logitsGrad[i] = lossGrad[0] * (probability - targets[i]) / float(p.count);
}
