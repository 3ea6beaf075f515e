#version 450
// Element-wise ops, one pipeline per op (specialization constant OP). One invocation per element, so reads and
// writes are coalesced. Unary ops ignore `b` (the host binds `a` there).
#include "common.glsl"
#include "gelu.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint OP = 0;
const uint OP_RELU = 0;       // out = max(a, 0)
const uint OP_GELU = 1;       // out = gelu(a)
const uint OP_SCALE = 2;      // out = alpha * a
const uint OP_ADD = 3;        // out = a + b
const uint OP_MULTIPLY = 4;   // out = a * b
const uint OP_ACCUMULATE = 5; // out += alpha * a (residuals, gradient fan-in)

layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) readonly buffer B { float b[]; };
layout(std430, binding = 2) buffer Out { float result[]; };
layout(push_constant) uniform Params {
    uint count;
    float alpha;
} p;

void main() {
    uint i = linear_index();
    if (i >= p.count) return;
    float v = a[i];
    if (OP == OP_RELU) result[i] = max(v, 0.0);
    else if (OP == OP_GELU) result[i] = gelu(v);
    else if (OP == OP_SCALE) result[i] = p.alpha * v;
    else if (OP == OP_ADD) result[i] = v + b[i];
    else if (OP == OP_MULTIPLY) result[i] = v * b[i];
    else if (OP == OP_ACCUMULATE) result[i] += p.alpha * v;
}
