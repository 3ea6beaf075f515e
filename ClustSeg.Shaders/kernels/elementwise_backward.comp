#version 450
// Backward of the element-wise activations: dx = dy * f'(x), one pipeline per op (specialization constant OP).
// The linear ops' backward passes reuse elementwise.comp (see ElementwiseOp).
#include "common.glsl"
#include "gelu.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint OP = 0;
const uint OP_RELU = 0;
const uint OP_GELU = 1;

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Dy { float dy[]; };
layout(std430, binding = 2) writeonly buffer Dx { float dx[]; };
layout(push_constant) uniform Params {
    uint count;
} p;

void main() {
    uint i = linear_index();
    if (i >= p.count) return;
    float v = x[i];
    // ReLU's gradient at exactly 0 is 0, as in PyTorch.
    if (OP == OP_RELU) dx[i] = v > 0.0 ? dy[i] : 0.0;
    else if (OP == OP_GELU) dx[i] = dy[i] * gelu_derivative(v);
}
