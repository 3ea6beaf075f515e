#version 450
// Fills a float buffer with one value; used to clear gradients and to poison outputs in tests.
#include "common.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) writeonly buffer Out { float data[]; } dst;
layout(push_constant) uniform Params { uint count; float value; } p;
void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i < p.count) dst.data[i] = p.value;
}
