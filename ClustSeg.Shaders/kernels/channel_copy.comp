#version 450
// Copies `count` channels of NCHW-like tensors: dst[n, dst_offset + c, :] (+)= src[n, src_offset + c, :].
// Concatenation writes each input at its offset, slicing reads at an offset, and each one's backward is the
// reverse copy. ACCUMULATE adds instead of overwriting (gradient fan-in). One invocation per copied element;
// consecutive invocations touch consecutive pixels of one channel, so both sides stay coalesced.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool ACCUMULATE = false;

layout(std430, binding = 0) readonly buffer Src { float src[]; };
layout(std430, binding = 1) buffer Dst { float dst[]; };
layout(push_constant) uniform Params {
    uint batch;
    uint count;
    uint hw;
    uint src_channels;
    uint src_offset;
    uint dst_channels;
    uint dst_offset;
} p;

void main() {
    uint i = linear_index();
    if (i >= p.batch * p.count * p.hw) return;
    uint pixel = i % p.hw;
    uint c = (i / p.hw) % p.count;
    uint n = i / (p.hw * p.count);
    float v = src[(n * p.src_channels + p.src_offset + c) * p.hw + pixel];
    uint d = (n * p.dst_channels + p.dst_offset + c) * p.hw + pixel;
    if (ACCUMULATE) dst[d] += v;
    else dst[d] = v;
}
