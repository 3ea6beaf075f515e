#version 450
// Backward of l2_normalize.comp from the forward input x; with n = ||x||:
//   n > eps:  dx = dy / n - x * sum(dy * x) / n^3
//   else:     dx = dy / eps (the clamp is constant there)
// One read gives both sums, one more writes dx. Layouts as in the forward.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool ROWS = false;
#include "reduce.glsl"

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Dy { float dy[]; };
layout(std430, binding = 2) writeonly buffer Dx { float dx[]; };
layout(push_constant) uniform Params {
    uint outer;
    uint axis;
    uint inner;
    float eps;
} p;

void main() {
    uint first, stride, lane, step;
    if (ROWS) {
        uint row = workgroup_index();
        if (row >= p.outer) return;
        first = row * p.axis;
        stride = 1;
        lane = gl_LocalInvocationID.x;
        step = gl_WorkGroupSize.x;
    } else {
        uint column = linear_index();
        if (column >= p.outer * p.inner) return;
        first = (column / p.inner) * p.axis * p.inner + column % p.inner;
        stride = p.inner;
        lane = 0;
        step = 1;
    }

    vec2 sums = vec2(0.0); // (sum x^2, sum dy * x)
    for (uint k = lane; k < p.axis; k += step) {
        uint i = first + k * stride;
        sums += vec2(x[i] * x[i], dy[i] * x[i]);
    }
    if (ROWS) sums = workgroup_sum2(sums);
    float norm = sqrt(sums.x);
    bool clamped = norm <= p.eps;
    float inverse = 1.0 / max(norm, p.eps);
    float projection = clamped ? 0.0 : sums.y * inverse * inverse * inverse;
    for (uint k = lane; k < p.axis; k += step) {
        uint i = first + k * stride;
        dx[i] = dy[i] * inverse - x[i] * projection;
    }
}
