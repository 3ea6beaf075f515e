#version 450
// EMA update of the Dreamy-Start memory bank (forward only; clustseg.md "Dreamy-Start" and "Memory bank"):
//   bank[c] <- m bank[c] + (1 - m) mean(features at pixels labelled c)   for every class c present in the batch,
// where a feature pixel (y, x) takes the label at (y * stride, x * stride) of the full-resolution labels (the top-left
// pixel of its stride x stride cell). Labels outside [0, classes) (255) are ignored; absent classes are untouched;
// a class's first update (seen[c] == 0) copies the mean and sets seen[c] = 1.
// One workgroup per class (so the flag is read and written inside one group, without races); invocation t owns
// channels t, t + GROUP, ... (CHANNELS_PER_LANE of them). GROUP is 256 on GPUs and one subgroup on CPU devices, where
// lanes past the SIMD width only repeat the per-pixel label load; features are read through a texel buffer there
// too (one vector gather instead of a load loop over the lanes), and pixels are walked by row and column so that no
// index is divided out of a flat one.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint CHANNELS_PER_LANE = 4;
#define GROUP gl_WorkGroupSize.x

layout(binding = 0) uniform samplerBuffer features; // read through texel_element (common.glsl)
layout(std430, binding = 1) readonly buffer Labels { int labels[]; };
layout(std430, binding = 2) buffer Bank { float bank[]; };
layout(std430, binding = 3) buffer Seen { int seen[]; };
layout(push_constant) uniform Params {
    uint batch; uint channels; uint height; uint width; uint labelHeight; uint labelWidth; uint stride; uint classes;
    float momentum;
} p;

void main() {
    uint c = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
    if (c >= p.classes) return; // whole workgroup leaves together: no barrier is skipped by part of a group
    uint t = gl_LocalInvocationIndex;
    float sums[CHANNELS_PER_LANE];
    [[unroll]] for (uint j = 0; j < CHANNELS_PER_LANE; j++) sums[j] = 0.0;
    uint count = 0;
    uint plane = p.height * p.width;
    for (uint b = 0; b < p.batch; b++) {
        for (uint y = 0; y < p.height; y++) {
            const uint labelRow = (b * p.labelHeight + y * p.stride) * p.labelWidth;
            for (uint x = 0; x < p.width; x++) {
                if (labels[labelRow + x * p.stride] != int(c)) continue;
                count++;
                const uint q = y * p.width + x;
                [[unroll]] for (uint j = 0; j < CHANNELS_PER_LANE; j++) {
                    uint d = t + j * GROUP;
                    if (d < p.channels) sums[j] += texel_element(features, (b * p.channels + d) * plane + q);
                }
            }
        }
    }
    bool first = seen[c] == 0;
    barrier(); // every invocation has read the flag before it changes
    if (count == 0) return;
    [[unroll]] for (uint j = 0; j < CHANNELS_PER_LANE; j++) {
        uint d = t + j * GROUP;
        if (d >= p.channels) continue;
        float mean = sums[j] / float(count);
        bank[c * p.channels + d] = first ? mean : p.momentum * bank[c * p.channels + d] + (1.0 - p.momentum) * mean;
    }
    if (t == 0) seen[c] = 1;
}
