#version 450
// GroupNorm backward, input gradient: one workgroup per (sample, group), like the forward.
// With xhat = (x - mean) * rstd and g = dy * weight[c]:
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), means over the group.
// Where a group is a whole number of vec4s, each lane steps through vec4s (texel fetches of x and dy, one vec4 store of
// dx): llvmpipe runs each storage-buffer access as a loop over the lanes, and this kernel made seven of them per
// element. Planes that are not whole vec4s (a 481x321 picture) let a quad end in the next channel; its elements there
// take that channel's weight.
#include "common.glsl"
layout(local_size_x_id = 0) in;
#include "reduce.glsl"
#include "channel_walk.glsl"

layout(binding = 0) uniform samplerBuffer x4; // vec4 texels; texel_element (common.glsl) for single elements
layout(binding = 1) uniform samplerBuffer dy4;
layout(std430, binding = 2) readonly buffer Weight { float weight[]; };
layout(std430, binding = 3) readonly buffer Mean { float mean_in[]; };
layout(std430, binding = 4) readonly buffer Rstd { float rstd_in[]; };
layout(std430, binding = 5) writeonly buffer Dx { float dx[]; };
layout(std430, binding = 5) writeonly buffer Dx4 { vec4 dx4[]; };
layout(push_constant) uniform Params {
    uint group_count;
    uint groups;
    uint channels_per_group;
    uint hw;
} p;

// The weights of a quad's four elements, the ones past the end of walk.channel's plane taking the next channel's.
vec4 quad_weight(ChannelWalk walk, uint last_channel) {
    return mix(vec4(weight[walk.channel]), vec4(weight[min(walk.channel + 1, last_channel)]), quad_in_next_channel(walk, p.hw));
}

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
    if (p.hw % 4 == 0) {
        // base and every plane start on a whole vec4, so each quad lies in one channel.
        const uint quads = size / 4, base4 = base / 4, hw4 = p.hw / 4;
        ChannelWalk walk = channel_walk_start(first_channel, hw4);
        for (uint q = t; q < quads; q += gl_WorkGroupSize.x) {
            const vec4 g = texelFetch(dy4, int(base4 + q)) * weight[walk.channel];
            const vec4 xhat = (texelFetch(x4, int(base4 + q)) - mean) * rstd;
            sums += vec2(g.x + g.y + g.z + g.w, dot(g, xhat));
            channel_walk_next(walk, hw4);
        }
        sums = workgroup_sum2(sums) / float(size);
        walk = channel_walk_start(first_channel, hw4);
        for (uint q = t; q < quads; q += gl_WorkGroupSize.x) {
            const vec4 g = texelFetch(dy4, int(base4 + q)) * weight[walk.channel];
            const vec4 xhat = (texelFetch(x4, int(base4 + q)) - mean) * rstd;
            dx4[base4 + q] = rstd * (g - sums.x - xhat * sums.y);
            channel_walk_next(walk, hw4);
        }
        return;
    }
    if (size % 4 == 0 && p.hw >= 4) {
        // Whole vec4s per group, but a quad may end in the next channel (planes of odd size): per-element weights.
        const uint quads = size / 4, base4 = base / 4, last_channel = p.groups * p.channels_per_group - 1;
        ChannelWalk walk = quad_walk_start(first_channel, p.hw);
        for (uint q = t; q < quads; q += gl_WorkGroupSize.x) {
            const vec4 w = quad_weight(walk, last_channel);
            const vec4 g = texelFetch(dy4, int(base4 + q)) * w;
            const vec4 xhat = (texelFetch(x4, int(base4 + q)) - mean) * rstd;
            sums += vec2(g.x + g.y + g.z + g.w, dot(g, xhat));
            channel_walk_next(walk, p.hw);
        }
        sums = workgroup_sum2(sums) / float(size);
        walk = quad_walk_start(first_channel, p.hw);
        for (uint q = t; q < quads; q += gl_WorkGroupSize.x) {
            const vec4 w = quad_weight(walk, last_channel);
            const vec4 g = texelFetch(dy4, int(base4 + q)) * w;
            const vec4 xhat = (texelFetch(x4, int(base4 + q)) - mean) * rstd;
            dx4[base4 + q] = rstd * (g - sums.x - xhat * sums.y);
            channel_walk_next(walk, p.hw);
        }
        return;
    }
    ChannelWalk walk = channel_walk_start(first_channel, p.hw);
    for (uint i = t; i < size; i += gl_WorkGroupSize.x) {
        float g = texel_element(dy4, base + i) * weight[walk.channel];
        float xhat = (texel_element(x4, base + i) - mean) * rstd;
        sums += vec2(g, g * xhat);
        channel_walk_next(walk, p.hw);
    }
    sums = workgroup_sum2(sums) / float(size);

    walk = channel_walk_start(first_channel, p.hw);
    for (uint i = t; i < size; i += gl_WorkGroupSize.x) {
        float g = texel_element(dy4, base + i) * weight[walk.channel];
        float xhat = (texel_element(x4, base + i) - mean) * rstd;
        dx[base + i] = rstd * (g - sums.x - xhat * sums.y);
        channel_walk_next(walk, p.hw);
    }
}
