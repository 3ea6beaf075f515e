#version 450
// GroupNorm backward, parameter gradients: one workgroup per channel c, summing over samples and pixels
//   dweight[c] = sum dy * xhat,  dbias[c] = sum dy.
// A separate launch from the input gradient because it reduces across samples rather than within a group.
// Planes a multiple of 4 pixels are read as whole vec4 texels (see group_norm_backward.comp).
#include "common.glsl"
layout(local_size_x_id = 0) in;
#include "reduce.glsl"

layout(binding = 0) uniform samplerBuffer x4; // vec4 texels; texel_element (common.glsl) for single elements
layout(binding = 1) uniform samplerBuffer dy4;
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
        if (p.hw % 4 == 0) {
            for (uint q = t; q < p.hw / 4; q += gl_WorkGroupSize.x) {
                const vec4 g = texelFetch(dy4, int(base / 4 + q));
                sums += vec2(dot(g, texelFetch(x4, int(base / 4 + q)) - mean) * rstd, g.x + g.y + g.z + g.w);
            }
            continue;
        }
        for (uint i = t; i < p.hw; i += gl_WorkGroupSize.x) {
            float g = texel_element(dy4, base + i);
            sums += vec2(g * (texel_element(x4, base + i) - mean) * rstd, g);
        }
    }
    sums = workgroup_sum2(sums);
    if (t == 0) {
        dweight[c] = sums.x;
        dbias[c] = sums.y;
    }
}
