#version 450
// Copies `count` channels of NCHW-like tensors: dst[n, dst_offset + c, :] (+)= src[n, src_offset + c, :].
// Concatenation writes each input at its offset, slicing reads at an offset, and each one's backward is the
// reverse copy. ACCUMULATE adds instead of overwriting (gradient fan-in).
// The channels copied from one image are one contiguous span on both sides (count x hw elements), so the kernel is a
// strided block copy: z counts images, and each invocation fills 4 consecutive destination elements, counted from the
// vec4 boundary at or before the span's start, with one vec4 store (or per-element stores at the span's two ends).
// No index is divided out of a flat one, and the source is read through a texel buffer: llvmpipe runs integer
// division and every storage-buffer load lane by lane, and turns a texel fetch into one vector gather.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool ACCUMULATE = false;

layout(binding = 0) uniform samplerBuffer src; // read through texel_element (common.glsl)
layout(std430, binding = 1) buffer Dst { float dst[]; };
layout(std430, binding = 1) buffer Dst4 { vec4 dst4[]; };
layout(push_constant) uniform Params {
    uint batch;
    uint span;        // count * hw: elements copied per image
    uint src_stride;  // src_channels * hw
    uint src_start;   // src_offset * hw
    uint dst_stride;  // dst_channels * hw
    uint dst_start;   // dst_offset * hw
} p;

void main() {
    const uint quad = linear_index();
    for (uint n = gl_WorkGroupID.z; n < p.batch; n += gl_NumWorkGroups.z) {
        const uint d0 = n * p.dst_stride + p.dst_start;
        const uint lead = d0 & 3u; // span elements before d0 in its first vec4
        if (4 * quad >= lead + p.span) continue; // past this image's span (leads differ by image)
        const uint s0 = n * p.src_stride + p.src_start;
        const uint first = d0 - lead + 4 * quad; // destination index of this invocation's first element
        // Element e sits at position 4 * quad + e - lead of the span, which is outside it at either end.
        vec4 v = vec4(0.0);
        [[unroll]] for (uint e = 0; e < 4; e++) {
            const int k = int(4 * quad + e) - int(lead);
            if (k >= 0 && uint(k) < p.span) v[e] = texel_element(src, s0 + uint(k));
        }
        if (4 * quad >= lead && 4 * quad + 4 <= lead + p.span) {
            if (ACCUMULATE) dst4[first >> 2] += v;
            else dst4[first >> 2] = v;
            continue;
        }
        [[unroll]] for (uint e = 0; e < 4; e++) {
            const int k = int(4 * quad + e) - int(lead);
            if (k < 0 || uint(k) >= p.span) continue;
            if (ACCUMULATE) dst[first + e] += v[e];
            else dst[first + e] = v[e];
        }
    }
}
