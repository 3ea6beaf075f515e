#version 450
// Sigmoid binary cross-entropy with logits, mean over all elements (torch binary_cross_entropy_with_logits):
//   loss = mean_i max(x_i, 0) - x_i t_i + log(1 + exp(-|x_i|))       (the overflow-free form of softplus(x) - x t)
// Two dispatches (STAGE): 0 writes per-workgroup partial sums to partials; 1 sums them in one workgroup into loss[0].
#include "common.glsl"
#include "workgroup_sum.glsl"
layout(local_size_x = REDUCE_GROUP) in;
layout(constant_id = 0) const uint STAGE = 0;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) readonly buffer Targets { float targets[]; };
layout(std430, binding = 2) buffer Partials { float partials[]; };
layout(std430, binding = 3) writeonly buffer Loss { float loss[]; };
layout(push_constant) uniform Params { uint count; uint partialCount; } p;

float elementLoss(uint i) {
    if (i >= p.count) return 0.0;
    float x = logits[i];
    return max(x, 0.0) - x * targets[i] + log(1.0 + exp(-abs(x)));
}

void main() {
    if (STAGE == 0) {
        vec4 sum = workgroupSum(vec4(elementLoss(linear_index()), 0.0, 0.0, 0.0));
        // Past 65535 groups the grid is padded (Groups.For1D): padding groups must not write beyond the partials.
        if (gl_LocalInvocationIndex == 0 && linear_group() < p.partialCount) partials[linear_group()] = sum.x;
    } else {
        float mine = 0.0;
        for (uint i = gl_LocalInvocationIndex; i < p.partialCount; i += REDUCE_GROUP) mine += partials[i];
        vec4 sum = workgroupSum(vec4(mine, 0.0, 0.0, 0.0));
        if (gl_LocalInvocationIndex == 0) loss[0] = sum.x / float(max(p.count, 1u));
    }
}
