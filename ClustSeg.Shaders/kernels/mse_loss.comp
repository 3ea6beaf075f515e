#version 450
// Mean squared error (forward), e.g. the SSN compactness term between reconstructed and actual scaled (y, x):
//   loss = mean_i (a_i - b_i)^2   (torch.nn.functional.mse_loss, reduction 'mean').
// Two dispatches (STAGE): 0 partial sums per workgroup; 1 one workgroup writes loss[0].
#include "common.glsl"
#include "workgroup_sum.glsl"
layout(local_size_x = REDUCE_GROUP) in;
layout(constant_id = 0) const uint STAGE = 0;

layout(std430, binding = 0) readonly buffer Prediction { float prediction[]; };
layout(std430, binding = 1) readonly buffer Target { float target[]; };
layout(std430, binding = 2) buffer Partials { float partials[]; };
layout(std430, binding = 3) writeonly buffer Loss { float loss[]; };
layout(push_constant) uniform Params { uint count; uint partialCount; } p;

void main() {
    if (STAGE == 0) {
        uint i = linear_index();
        float d = i < p.count ? prediction[i] - target[i] : 0.0;
        vec4 sum = workgroupSum(vec4(d * d, 0.0, 0.0, 0.0));
        // Past 65535 groups the grid is padded (Groups.For1D): padding groups must not write beyond the partials.
        if (gl_LocalInvocationIndex == 0 && linear_group() < p.partialCount) partials[linear_group()] = sum.x;
    } else {
        float mine = 0.0;
        for (uint i = gl_LocalInvocationIndex; i < p.partialCount; i += REDUCE_GROUP) mine += partials[i];
        vec4 sum = workgroupSum(vec4(mine, 0.0, 0.0, 0.0));
        if (gl_LocalInvocationIndex == 0) loss[0] = sum.x / float(max(p.count, 1u));
    }
}
