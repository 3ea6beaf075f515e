#version 450
// Level-embedding gradient: dlevel[l, c] (+)= sum over samples and pixels of dy[n, c, pixel]. One workgroup per
// channel reduces its planes with coalesced reads; no atomics. (dx = dy needs no kernel.)
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool ACCUMULATE = false;
#include "reduce.glsl"

layout(std430, binding = 0) readonly buffer Dy { float dy[]; };
layout(std430, binding = 1) buffer DLevel { float dlevel[]; };
layout(push_constant) uniform Params {
    uint batch;
    uint channels;
    uint hw;
    uint level_index;
} p;

void main() {
    uint c = workgroup_index();
    if (c >= p.channels) return;
    float sum = 0.0;
    for (uint n = 0; n < p.batch; n++) {
        uint base = (n * p.channels + c) * p.hw;
        for (uint i = gl_LocalInvocationID.x; i < p.hw; i += gl_WorkGroupSize.x) sum += dy[base + i];
    }
    sum = workgroup_sum(sum);
    if (gl_LocalInvocationID.x == 0) {
        uint at = p.level_index * p.channels + c;
        dlevel[at] = ACCUMULATE ? dlevel[at] + sum : sum;
    }
}
