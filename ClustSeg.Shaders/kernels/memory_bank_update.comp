#version 450
// EMA update of the Dreamy-Start memory bank (forward only; clustseg.md "Dreamy-Start" and "Memory bank"):
//   bank[c] <- m bank[c] + (1 - m) mean(features at pixels labelled c)   for every class c present in the batch,
// where a feature pixel (y, x) takes the label at (y * stride, x * stride) of the full-resolution labels (the top-left
// pixel of its stride x stride cell). Labels outside [0, classes) (255) are ignored; absent classes are untouched;
// a class's first update (seen[c] == 0) copies the mean and sets seen[c] = 1.
// One workgroup per class (so the flag is read and written inside one group, without races); invocation t owns
// channels t, t + 256, ... (at most MAX_CHANNELS_PER_INVOCATION of them).
#include "common.glsl"
#define GROUP 256
#define MAX_CHANNELS_PER_INVOCATION 4
layout(local_size_x = GROUP) in;

layout(std430, binding = 0) readonly buffer Features { float features[]; };
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
    float sums[MAX_CHANNELS_PER_INVOCATION];
    for (uint j = 0; j < MAX_CHANNELS_PER_INVOCATION; j++) sums[j] = 0.0;
    uint count = 0;
    uint plane = p.height * p.width;
    for (uint b = 0; b < p.batch; b++) {
        for (uint q = 0; q < plane; q++) {
            uint y = q / p.width;
            uint x = q % p.width;
            int label = labels[(b * p.labelHeight + y * p.stride) * p.labelWidth + x * p.stride];
            if (label != int(c)) continue;
            count++;
            for (uint j = 0; j < MAX_CHANNELS_PER_INVOCATION; j++) {
                uint d = t + j * GROUP;
                if (d < p.channels) sums[j] += features[(b * p.channels + d) * plane + q];
            }
        }
    }
    bool first = seen[c] == 0;
    barrier(); // every invocation has read the flag before it changes
    if (count == 0) return;
    for (uint j = 0; j < MAX_CHANNELS_PER_INVOCATION; j++) {
        uint d = t + j * GROUP;
        if (d >= p.channels) continue;
        float mean = sums[j] / float(count);
        bank[c * p.channels + d] = first ? mean : p.momentum * bank[c * p.channels + d] + (1.0 - p.momentum) * mean;
    }
    if (t == 0) seen[c] = 1;
}
