#version 450
// GroupNorm backward, parameter gradients: one workgroup per channel c, summing over samples and pixels
//   dweight[c] = sum dy * xhat,  dbias[c] = sum dy.
// A separate launch from the input gradient because it reduces across samples rather than within a group.
#include "common.glsl"
layout(local_size_x_id = 0) in;
#include "reduce.glsl"

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Dy { float dy[]; };
layout(std430, binding = 2) readonly buffer Mean { float mean_in[]; };
layout(std430, binding = 3) readonly buffer Rstd { float rstd_in[]; };
layout(std430, binding = 4) writeonly buffer DWeight { float dweight[]; };
layout(std430, binding = 5) writeonly buffer DBias { float dbias[]; };
layout(push_constant) uniform Params {
    uint batch;
    uint channels;
    uint groups;
    uint hw;
} p;

void main() {
    uint c = workgroup_index();
    if (c >= p.channels) return;
    uint t = gl_LocalInvocationID.x;
    uint group_of_channel = c / (p.channels / p.groups);

    vec2 sums = vec2(0.0); // (sum dy * xhat, sum dy)
    for (uint n = 0; n < p.batch; n++) {
        uint stat = n * p.groups + group_of_channel;
        float mean = mean_in[stat];
        float rstd = rstd_in[stat];
        uint base = (n * p.channels + c) * p.hw;
        for (uint i = t; i < p.hw; i += gl_WorkGroupSize.x) {
            float g = dy[base + i];
            sums += vec2(g * (x[base + i] - mean) * rstd, g);
        }
    }
    sums = workgroup_sum2(sums);
    if (t == 0) {
        dweight[c] = sums.x;
        dbias[c] = sums.y;
    }
}
