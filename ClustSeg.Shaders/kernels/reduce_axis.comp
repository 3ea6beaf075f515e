#version 450
// Reduction along one axis of a tensor viewed as [outer, axis, inner] into [outer, inner] (forward). OP selects:
// 0 sum, 1 mean, 2 max (NaN propagates, as torch.max), 3 argmax (first index of the maximum, int32; a NaN counts
// as the maximum). One invocation per output element: consecutive invocations read consecutive inner elements.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint OP = 0;

layout(std430, binding = 0) readonly buffer Input { float values[]; };
layout(std430, binding = 1) writeonly buffer Output { uint result[]; }; // float bits, or the int32 index for argmax
layout(push_constant) uniform Params { uint outer; uint axis; uint inner; } p;

void main() {
    uint i = linear_index();
    if (i >= p.outer * p.inner) return;
    uint base = (i / p.inner) * p.axis * p.inner + i % p.inner;
    if (OP <= 1) {
        float total = 0.0;
        for (uint a = 0; a < p.axis; a++) total += values[base + a * p.inner];
        result[i] = floatBitsToUint(OP == 1 ? total / float(p.axis) : total);
        return;
    }
    float best = values[base];
    uint bestIndex = 0;
    for (uint a = 1; a < p.axis && !isnan(best); a++) {
        float v = values[base + a * p.inner];
        if (v > best || isnan(v)) { best = v; bestIndex = a; }
    }
    result[i] = OP == 2 ? floatBitsToUint(best) : bestIndex;
}
