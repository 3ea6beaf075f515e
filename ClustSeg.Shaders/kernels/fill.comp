#version 450
// Fills a buffer with one 32-bit pattern: clears gradients (0.0) and poisons outputs in tests (NaN).
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { uint data[]; } dst;
layout(push_constant) uniform Params { uint count; uint bits; } p;
void main() {
    uint i = linear_index();
    if (i < p.count) dst.data[i] = p.bits;
}
