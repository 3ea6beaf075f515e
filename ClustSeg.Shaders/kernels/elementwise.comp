#version 450
// Element-wise ops, one pipeline per op (specialization constant OP). One invocation per element, so reads and
// writes are coalesced; with VEC4 (count a multiple of 4, CPU devices) one per 4 elements through vec4 views, since
// llvmpipe issues one load loop per load instruction. Unary ops ignore `b` (the host binds `a` there).
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
const uint OP_MOVE_TOWARD = 6; // out += alpha * (a - out) (weight averages)
layout(constant_id = 2) const bool VEC4 = false;

layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) readonly buffer B { float b[]; };
layout(std430, binding = 2) buffer Out { float result[]; };
layout(std430, binding = 0) readonly buffer A4 { vec4 a4[]; };
layout(std430, binding = 1) readonly buffer B4 { vec4 b4[]; };
layout(std430, binding = 2) buffer Out4 { vec4 result4[]; };
layout(push_constant) uniform Params {
    uint count; // elements, or vec4s with VEC4
    float alpha;
} p;

// The op on one element; `prior` is the output's current value (read for OP_ACCUMULATE and OP_MOVE_TOWARD only).
float apply(float v, float w, float prior) {
    if (OP == OP_RELU) return max(v, 0.0);
    if (OP == OP_GELU) return gelu(v);
    if (OP == OP_SCALE) return p.alpha * v;
    if (OP == OP_ADD) return v + w;
    if (OP == OP_MULTIPLY) return v * w;
    if (OP == OP_ACCUMULATE) return prior + p.alpha * v;
    return prior + p.alpha * (v - prior);
}

void main() {
    uint i = linear_index();
    if (i >= p.count) return;
    const bool binary = OP == OP_ADD || OP == OP_MULTIPLY;
    const bool readsPrior = OP == OP_ACCUMULATE || OP == OP_MOVE_TOWARD;
    if (VEC4) {
        const vec4 v = a4[i];
        const vec4 w = binary ? b4[i] : vec4(0.0);
        const vec4 prior = readsPrior ? result4[i] : vec4(0.0);
        result4[i] = vec4(apply(v.x, w.x, prior.x), apply(v.y, w.y, prior.y), apply(v.z, w.z, prior.z), apply(v.w, w.w, prior.w));
        return;
    }
    const float w = binary ? b[i] : 0.0;
    result[i] = apply(a[i], w, readsPrior ? result[i] : 0.0);
}
