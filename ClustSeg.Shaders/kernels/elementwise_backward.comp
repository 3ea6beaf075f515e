#version 450
// Backward of the element-wise activations: dx = dy * f'(x), one pipeline per op (specialization constant OP).
// The linear ops' backward passes reuse elementwise.comp (see ElementwiseOp).
#include "common.glsl"
#include "gelu.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint OP = 0;
const uint OP_RELU = 0;
const uint OP_GELU = 1;
layout(constant_id = 2) const bool VEC4 = false; // one invocation per 4 elements (see elementwise.comp)

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Dy { float dy[]; };
layout(std430, binding = 2) writeonly buffer Dx { float dx[]; };
layout(std430, binding = 0) readonly buffer X4 { vec4 x4[]; };
layout(std430, binding = 1) readonly buffer Dy4 { vec4 dy4[]; };
layout(std430, binding = 2) writeonly buffer Dx4 { vec4 dx4[]; };
layout(push_constant) uniform Params {
    uint count; // elements, or vec4s with VEC4
} p;

// ReLU's gradient at exactly 0 is 0, as in PyTorch.
float gradient(float v, float g) {
    if (OP == OP_RELU) return v > 0.0 ? g : 0.0;
    return g * gelu_derivative(v);
}

void main() {
    uint i = linear_index();
    if (i >= p.count) return;
    if (VEC4) {
        const vec4 v = x4[i], g = dy4[i];
        dx4[i] = vec4(gradient(v.x, g.x), gradient(v.y, g.y), gradient(v.z, g.z), gradient(v.w, g.w));
        return;
    }
    dx[i] = gradient(x[i], dy[i]);
}
