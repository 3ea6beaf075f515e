#version 450
// L2 normalisation along one axis of a tensor viewed as [outer, axis, inner]: y = x / max(||x||, eps), as
// PyTorch's F.normalize. Layouts as in softmax.comp: ROWS (contiguous axis, one workgroup per row) or one
// invocation per (outer, inner) column.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool ROWS = false;
#include "reduce.glsl"

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) writeonly buffer Y { float y[]; };
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

    float squares = 0.0;
    for (uint k = lane; k < p.axis; k += step) {
        float v = x[first + k * stride];
        squares += v * v;
    }
    if (ROWS) squares = workgroup_sum(squares);
    float inverse = 1.0 / max(sqrt(squares), p.eps);
    for (uint k = lane; k < p.axis; k += step) y[first + k * stride] = x[first + k * stride] * inverse;
}
