#version 450
// Global L2 norm over many tensors (forward only), two passes, no atomics (deterministic):
//   STAGE 0: one dispatch per chunk of up to 8 tensors (bindings 0..7); workgroup (g, slot) strides over tensor
//            `slot` and writes its sum of squares to partials[firstPartial + slot * groupsPerTensor + g].
//   STAGE 1: one workgroup sums all partials and writes sqrt into norm[0].
// Tensors are read as vec4 texels, the branch on the slot is taken once per workgroup rather than per load, and the
// host sizes workgroups as for every reduction (one subgroup on CPU devices): llvmpipe runs storage loads lane by lane
// and a barrier as a switch between coroutines, and the 256-lane version took 170 ms of a 480 ms training step on
// clustseg-tiny (BENCHMARKS.md, seventh session).
#include "common.glsl"
layout(local_size_x_id = 0) in;
#include "reduce.glsl"
layout(constant_id = 1) const uint STAGE = 0;

layout(binding = 0) uniform samplerBuffer t0;
layout(binding = 1) uniform samplerBuffer t1;
layout(binding = 2) uniform samplerBuffer t2;
layout(binding = 3) uniform samplerBuffer t3;
layout(binding = 4) uniform samplerBuffer t4;
layout(binding = 5) uniform samplerBuffer t5;
layout(binding = 6) uniform samplerBuffer t6;
layout(binding = 7) uniform samplerBuffer t7;
layout(std430, binding = 8) buffer Partials { float partials[]; };
layout(std430, binding = 9) writeonly buffer Norm { float norm[]; };
layout(push_constant) uniform Push {
    uint counts[8]; uint firstPartial; uint groupsPerTensor; uint partialCount;
} p;

// This invocation's share of the sum of squares of the `count` elements of `t`. The texel view is rounded up to whole
// texels, so the last texel's elements past `count` are masked out.
float sumSquares(samplerBuffer t, uint count) {
    const uint texels = (count + 3) / 4;
    const uint stride = p.groupsPerTensor * gl_WorkGroupSize.x;
    float mine = 0.0;
    for (uint i = gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationIndex; i < texels; i += stride) {
        vec4 v = texelFetch(t, int(i));
        if (4 * i + 4 > count) v *= vec4(lessThan(uvec4(4 * i) + uvec4(0, 1, 2, 3), uvec4(count)));
        mine += dot(v, v);
    }
    return mine;
}

void main() {
    if (STAGE == 0) {
        const uint slot = gl_WorkGroupID.y;
        const uint count = p.counts[slot];
        float mine = 0.0;
        switch (slot) {
            case 0: mine = sumSquares(t0, count); break;
            case 1: mine = sumSquares(t1, count); break;
            case 2: mine = sumSquares(t2, count); break;
            case 3: mine = sumSquares(t3, count); break;
            case 4: mine = sumSquares(t4, count); break;
            case 5: mine = sumSquares(t5, count); break;
            case 6: mine = sumSquares(t6, count); break;
            default: mine = sumSquares(t7, count); break;
        }
        const float total = workgroup_sum(mine);
        if (gl_LocalInvocationIndex == 0) partials[p.firstPartial + slot * p.groupsPerTensor + gl_WorkGroupID.x] = total;
    } else {
        float mine = 0.0;
        for (uint i = gl_LocalInvocationIndex; i < p.partialCount; i += gl_WorkGroupSize.x) mine += partials[i];
        const float total = workgroup_sum(mine);
        if (gl_LocalInvocationIndex == 0) norm[0] = sqrt(total);
    }
}
