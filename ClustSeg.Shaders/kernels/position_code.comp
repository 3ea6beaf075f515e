#version 450
// The 2D sine position code P [D, H, W] (forward only; it has no parameters). The first D/2 channels encode y,
// the last D/2 encode x: with y' = (y + 0.5) / H * 2 pi and f_j = 10000^(4j / D) for j < D/4, channels
// (2j, 2j + 1) = (sin(y' / f_j), cos(y' / f_j)); likewise x in the second half. One invocation per element.
#include "common.glsl"
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) writeonly buffer Code { float code[]; };
layout(push_constant) uniform Params {
    uint channels; // D, a multiple of 4
    uint height;
    uint width;
} p;

const float TWO_PI = 6.283185307179586;
const float LN_10000 = 9.210340371976184;

void main() {
    uint i = linear_index();
    uint hw = p.height * p.width;
    if (i >= p.channels * hw) return;
    uint c = i / hw;
    uint half_channels = p.channels / 2;
    bool along_x = c >= half_channels;
    uint k = along_x ? c - half_channels : c;
    uint j = k / 2;
    float position = along_x ? float(i % p.width) : float((i % hw) / p.width);
    float extent = along_x ? float(p.width) : float(p.height);
    float angle = (position + 0.5) / extent * TWO_PI * exp(-LN_10000 * float(4 * j) / float(p.channels));
    code[i] = (k & 1u) == 0u ? sin(angle) : cos(angle);
}
