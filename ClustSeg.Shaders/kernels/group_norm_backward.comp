#version 450
// GroupNorm backward, input gradient: one workgroup per (sample, group), like the forward.
// With xhat = (x - mean) * rstd and g = dy * weight[c]:
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), means over the group.
#include "common.glsl"
layout(local_size_x_id = 0) in;
#include "reduce.glsl"
#include "channel_walk.glsl"

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Dy { float dy[]; };
layout(std430, binding = 2) readonly buffer Weight { float weight[]; };
layout(std430, binding = 3) readonly buffer Mean { float mean_in[]; };
layout(std430, binding = 4) readonly buffer Rstd { float rstd_in[]; };
layout(std430, binding = 5) writeonly buffer Dx { float dx[]; };
layout(push_constant) uniform Params {
    uint group_count;
    uint groups;
    uint channels_per_group;
    uint hw;
} p;

void main() {
    uint group = workgroup_index();
    if (group >= p.group_count) return;
    uint t = gl_LocalInvocationID.x;
    uint size = p.channels_per_group * p.hw;
    uint base = group * size;
    uint first_channel = (group % p.groups) * p.channels_per_group;
    float mean = mean_in[group];
    float rstd = rstd_in[group];

    vec2 sums = vec2(0.0); // (sum g, sum g * xhat)
    ChannelWalk walk = channel_walk_start(first_channel, p.hw);
    for (uint i = t; i < size; i += gl_WorkGroupSize.x) {
        float g = dy[base + i] * weight[walk.channel];
        float xhat = (x[base + i] - mean) * rstd;
        sums += vec2(g, g * xhat);
        channel_walk_next(walk, p.hw);
    }
    sums = workgroup_sum2(sums) / float(size);

    walk = channel_walk_start(first_channel, p.hw);
    for (uint i = t; i < size; i += gl_WorkGroupSize.x) {
        float g = dy[base + i] * weight[walk.channel];
        float xhat = (x[base + i] - mean) * rstd;
        dx[base + i] = rstd * (g - sums.x - xhat * sums.y);
        channel_walk_next(walk, p.hw);
    }
}
