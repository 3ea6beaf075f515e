#version 450
// Repacks conv2d weights [out, in / groups, kh, kw] into [group, in_g, kh, kw, out_g] for conv2d_vec4.comp, where the
// output channels of one tap are contiguous. FLIP packs the weights of the transposed convolution that computes the
// input gradient instead: [group, out_g, kh, kw, in_g] with the taps mirrored.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool FLIP = false;

layout(std430, binding = 0) readonly buffer InW { float w[]; };
layout(std430, binding = 1) writeonly buffer OutPacked { float packed[]; };

layout(push_constant) uniform Params {
    uint og;     // output channels per group of the forward convolution
    uint cg;     // input channels per group of the forward convolution
    uint kh;
    uint kw;
    uint count;  // elements
} p;

// Grid: x over the last (contiguous) packed index, y over the kh x kw taps, z over (group, first index), so that every
// integer division is on uniform values (llvmpipe scalarises per-lane integer division).
void main() {
    const uint inner = FLIP ? p.cg : p.og;  // last dimension of the packed layout
    const uint outer = FLIP ? p.og : p.cg;
    const uint last = gl_GlobalInvocationID.x;
    if (last >= inner) return;
    const uint tap = gl_WorkGroupID.y;
    const uint th = tap / p.kw, tw = tap % p.kw;
    const uint first = gl_WorkGroupID.z % outer, g = gl_WorkGroupID.z / outer;
    const uint o = FLIP ? first : last, c = FLIP ? last : first;
    const uint sh = FLIP ? p.kh - 1 - th : th, sw = FLIP ? p.kw - 1 - tw : tw;
    const uint i = ((gl_WorkGroupID.z * p.kh + th) * p.kw + tw) * inner + last;
    packed[i] = w[(((g * p.og + o) * p.cg + c) * p.kh + sh) * p.kw + sw];
}
