#version 450
// Softmax or log-softmax (LOG) along one axis of a tensor viewed as [outer, axis, inner].
// ROWS (inner == 1, the axis is contiguous): one workgroup per row, lanes stride along the row.
// Otherwise one invocation per (outer, inner) column, stepping along the axis by `inner`, so neighbouring
// invocations read neighbouring addresses.
// Both read x once for a running (max, sum of exp(x - max)) pair and once more to write.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool ROWS = false;
layout(constant_id = 2) const bool LOG = false;
#include "reduce.glsl"

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Params {
    uint outer;
    uint axis;
    uint inner;
} p;

// Stands in for -inf so that combining two empty partials stays finite: 0 * exp(0).
const float LOWEST = -3.402823466e38;

// Merges two (max, sum of exp(v - max)) partials.
vec2 combine(vec2 a, vec2 b) {
    float m = max(a.x, b.x);
    return vec2(m, a.y * exp(a.x - m) + b.y * exp(b.x - m));
}

vec2 row_partials(vec2 value) {
    uint t = gl_LocalInvocationID.x;
    reduce_scratch[t] = value;
    barrier();
    for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride >>= 1) {
        if (t < stride) reduce_scratch[t] = combine(reduce_scratch[t], reduce_scratch[t + stride]);
        barrier();
    }
    return reduce_scratch[0];
}

void write(uint index, float value, vec2 stats) {
    y[index] = LOG ? value - stats.x - log(stats.y) : exp(value - stats.x) / stats.y;
}

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

    vec2 stats = vec2(LOWEST, 0.0);
    for (uint k = lane; k < p.axis; k += step) stats = combine(stats, vec2(x[first + k * stride], 1.0));
    if (ROWS) stats = row_partials(stats);
    for (uint k = lane; k < p.axis; k += step) write(first + k * stride, x[first + k * stride], stats);
}
