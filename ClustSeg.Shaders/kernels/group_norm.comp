#version 450
// GroupNorm forward over NCHW: one workgroup per (sample, group). A group's elements are contiguous
// (channels_per_group * hw floats), so the reads are coalesced. Mean and 1/std are saved for the backward pass.
// Where a group is a whole number of vec4s, lanes step through vec4s (texel fetches, vec4 stores), as in
// group_norm_backward.comp; where the planes themselves are not (a 481x321 picture), a quad may end in the next
// channel, and takes that channel's weight and bias for those elements.
// With RELU the output is max(y, 0): GroupNorm followed by ReLU in one pass (group_norm(..., relu: true) in a spec).
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool RELU = false;
#include "reduce.glsl"
#include "channel_walk.glsl"

layout(binding = 0) uniform samplerBuffer x4; // vec4 texels; texel_element (common.glsl) for single elements
layout(std430, binding = 1) readonly buffer Weight { float weight[]; };
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) writeonly buffer Y { float y[]; };
layout(std430, binding = 3) writeonly buffer Y4 { vec4 y4[]; };
layout(std430, binding = 4) writeonly buffer Mean { float mean_out[]; };
layout(std430, binding = 5) writeonly buffer Rstd { float rstd_out[]; };
layout(push_constant) uniform Params {
    uint group_count;        // N * groups
    uint groups;             // groups per sample
    uint channels_per_group;
    uint hw;                 // spatial size
    float eps;
} p;

float activate(float v) { return RELU ? max(v, 0.0) : v; }
vec4 activate4(vec4 v) { return RELU ? max(v, vec4(0.0)) : v; }

void main() {
    uint group = workgroup_index();
    if (group >= p.group_count) return;
    uint t = gl_LocalInvocationID.x;
    uint size = p.channels_per_group * p.hw;
    uint base = group * size;

    // Shifting by one element of the group keeps sum-of-squares accurate when the mean is large against the spread,
    // and lets one read give both moments.
    float shift = size > 0 ? texel_element(x4, base) : 0.0;
    const bool quads = size % 4 == 0; // then base and the group's end lie on whole vec4s
    const uint base4 = base / 4, size4 = size / 4, hw4 = p.hw / 4;
    vec2 moments = vec2(0.0);
    if (quads) {
        for (uint q = t; q < size4; q += gl_WorkGroupSize.x) {
            const vec4 d = texelFetch(x4, int(base4 + q)) - shift;
            moments += vec2(d.x + d.y + d.z + d.w, dot(d, d));
        }
    } else {
        for (uint i = t; i < size; i += gl_WorkGroupSize.x) {
            float d = texel_element(x4, base + i) - shift;
            moments += vec2(d, d * d);
        }
    }
    moments = workgroup_sum2(moments) / float(size);
    float mean = shift + moments.x;
    float rstd = inversesqrt(max(moments.y - moments.x * moments.x, 0.0) + p.eps);

    const uint first_channel = (group % p.groups) * p.channels_per_group;
    if (p.hw % 4 == 0) { // every quad in one channel
        ChannelWalk walk = channel_walk_start(first_channel, hw4);
        for (uint q = t; q < size4; q += gl_WorkGroupSize.x) {
            y4[base4 + q] = activate4((texelFetch(x4, int(base4 + q)) - mean) * (rstd * weight[walk.channel]) + bias[walk.channel]);
            channel_walk_next(walk, hw4);
        }
    } else if (quads && p.hw >= 4) {
        const uint last_channel = p.groups * p.channels_per_group - 1;
        ChannelWalk walk = quad_walk_start(first_channel, p.hw);
        for (uint q = t; q < size4; q += gl_WorkGroupSize.x) {
            const uint next = min(walk.channel + 1, last_channel);
            const bvec4 in_next = quad_in_next_channel(walk, p.hw);
            const vec4 scale = mix(vec4(weight[walk.channel]), vec4(weight[next]), in_next) * rstd;
            const vec4 shift4 = mix(vec4(bias[walk.channel]), vec4(bias[next]), in_next);
            y4[base4 + q] = activate4((texelFetch(x4, int(base4 + q)) - mean) * scale + shift4);
            channel_walk_next(walk, p.hw);
        }
    } else {
        ChannelWalk walk = channel_walk_start(first_channel, p.hw);
        for (uint i = t; i < size; i += gl_WorkGroupSize.x) {
            y[base + i] = activate((texel_element(x4, base + i) - mean) * rstd * weight[walk.channel] + bias[walk.channel]);
            channel_walk_next(walk, p.hw);
        }
    }
    if (t == 0) {
        mean_out[group] = mean;
        rstd_out[group] = rstd;
    }
}
