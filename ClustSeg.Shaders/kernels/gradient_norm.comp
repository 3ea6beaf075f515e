#version 450
// Global L2 norm over many tensors (forward only), two passes, no atomics (deterministic):
//   STAGE 0: one dispatch per chunk of up to 8 tensors (bindings 0..7); workgroup (g, slot) strides over tensor
//            `slot` and writes its sum of squares to partials[firstPartial + slot * groupsPerTensor + g].
//   STAGE 1: one workgroup sums all partials and writes sqrt into norm[0].
#include "common.glsl"
#include "workgroup_sum.glsl"
layout(local_size_x = REDUCE_GROUP) in;
layout(constant_id = 0) const uint STAGE = 0;

layout(std430, binding = 0) readonly buffer T0 { float t0[]; };
layout(std430, binding = 1) readonly buffer T1 { float t1[]; };
layout(std430, binding = 2) readonly buffer T2 { float t2[]; };
layout(std430, binding = 3) readonly buffer T3 { float t3[]; };
layout(std430, binding = 4) readonly buffer T4 { float t4[]; };
layout(std430, binding = 5) readonly buffer T5 { float t5[]; };
layout(std430, binding = 6) readonly buffer T6 { float t6[]; };
layout(std430, binding = 7) readonly buffer T7 { float t7[]; };
layout(std430, binding = 8) buffer Partials { float partials[]; };
layout(std430, binding = 9) writeonly buffer Norm { float norm[]; };
layout(push_constant) uniform Push {
    uint counts[8]; uint firstPartial; uint groupsPerTensor; uint partialCount;
} p;

float load(uint slot, uint i) {
    switch (slot) {
        case 0: return t0[i];
        case 1: return t1[i];
        case 2: return t2[i];
        case 3: return t3[i];
        case 4: return t4[i];
        case 5: return t5[i];
        case 6: return t6[i];
        default: return t7[i];
    }
}

void main() {
    if (STAGE == 0) {
        uint slot = gl_WorkGroupID.y;
        uint count = p.counts[slot];
        float mine = 0.0;
        for (uint i = gl_WorkGroupID.x * REDUCE_GROUP + gl_LocalInvocationIndex; i < count; i += p.groupsPerTensor * REDUCE_GROUP) {
            float value = load(slot, i);
            mine += value * value;
        }
        vec4 sum = workgroupSum(vec4(mine, 0.0, 0.0, 0.0));
        if (gl_LocalInvocationIndex == 0) partials[p.firstPartial + slot * p.groupsPerTensor + gl_WorkGroupID.x] = sum.x;
    } else {
        float mine = 0.0;
        for (uint i = gl_LocalInvocationIndex; i < p.partialCount; i += REDUCE_GROUP) mine += partials[i];
        vec4 sum = workgroupSum(vec4(mine, 0.0, 0.0, 0.0));
        if (gl_LocalInvocationIndex == 0) norm[0] = sqrt(sum.x);
    }
}
