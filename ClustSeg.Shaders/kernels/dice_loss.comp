#version 450
// Dice loss in the Mask2Former / kMaX-DeepLab form, per mask m with p = sigmoid(logits):
//   l_m = 1 - (2 sum_i p_i t_i + 1) / (sum_i p_i + sum_i t_i + 1),   loss = mean over masks.
// Two dispatches (STAGE): 0, one workgroup per mask, writes maskStats[m] = (sum p t, sum p, sum t) (kept for
// backward); 1, one workgroup, averages l_m into loss[0].
#include "common.glsl"
#include "workgroup_sum.glsl"
layout(local_size_x = REDUCE_GROUP) in;
layout(constant_id = 0) const uint STAGE = 0;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) readonly buffer Targets { float targets[]; };
layout(std430, binding = 2) buffer MaskStats { float maskStats[]; };
layout(std430, binding = 3) writeonly buffer Loss { float loss[]; };
layout(push_constant) uniform Params { uint masks; uint pixels; } p;

void main() {
    if (STAGE == 0) {
        uint m = linear_group();
        vec4 mine = vec4(0.0);
        if (m < p.masks) {
            for (uint i = gl_LocalInvocationIndex; i < p.pixels; i += REDUCE_GROUP) {
                float probability = 1.0 / (1.0 + exp(-logits[m * p.pixels + i]));
                float target = targets[m * p.pixels + i];
                mine += vec4(probability * target, probability, target, 0.0);
            }
        }
        vec4 sum = workgroupSum(mine);
        if (gl_LocalInvocationIndex == 0 && m < p.masks) {
            maskStats[3 * m] = sum.x;
            maskStats[3 * m + 1] = sum.y;
            maskStats[3 * m + 2] = sum.z;
        }
    } else {
        float mine = 0.0;
        for (uint m = gl_LocalInvocationIndex; m < p.masks; m += REDUCE_GROUP)
            mine += 1.0 - (2.0 * maskStats[3 * m] + 1.0) / (maskStats[3 * m + 1] + maskStats[3 * m + 2] + 1.0);
        vec4 sum = workgroupSum(vec4(mine, 0.0, 0.0, 0.0));
        if (gl_LocalInvocationIndex == 0) loss[0] = p.masks > 0 ? sum.x / float(p.masks) : 0.0;
    }
}
