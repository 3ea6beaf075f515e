#version 450
// Device self-check (clustseg-cli devices --check, runtime tests): exercises a specialization constant, push
// constants and two bindings in one dispatch: dst[i] = src[i] * scale + OFFSET + i.
layout(local_size_x = 64) in;
layout(constant_id = 0) const float OFFSET = 0.0;
layout(std430, binding = 0) readonly buffer In { float data[]; } src;
layout(std430, binding = 1) writeonly buffer Out { float data[]; } dst;
layout(push_constant) uniform Params { uint count; float scale; } p;
void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i < p.count) dst.data[i] = src.data[i] * p.scale + OFFSET + float(i);
}
