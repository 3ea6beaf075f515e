#version 450
// Backward of softmax.comp from its output y, with the same two layouts (ROWS, or one invocation per column):
//   softmax:      dx = y * (dy - sum(dy * y))
//   log-softmax:  dx = dy - exp(y) * sum(dy)
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool ROWS = false;
layout(constant_id = 2) const bool LOG = false;
#include "reduce.glsl"

layout(std430, binding = 0) readonly buffer Y { float y[]; };
layout(std430, binding = 1) readonly buffer Dy { float dy[]; };
layout(std430, binding = 2) writeonly buffer Dx { float dx[]; };
layout(push_constant) uniform Params {
    uint outer;
    uint axis;
    uint inner;
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

    float total = 0.0;
    for (uint k = lane; k < p.axis; k += step) {
        uint i = first + k * stride;
        total += LOG ? dy[i] : dy[i] * y[i];
    }
    if (ROWS) total = workgroup_sum(total);
    for (uint k = lane; k < p.axis; k += step) {
        uint i = first + k * stride;
        dx[i] = LOG ? dy[i] - exp(y[i]) * total : y[i] * (dy[i] - total);
    }
}
