#version 450
// Backward of the sum and mean of reduce_axis.comp: inputGrad[o, a, i] = outputGrad[o, i] (/ axis for the mean).
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool MEAN = false;

layout(std430, binding = 0) readonly buffer OutputGrad { float outputGrad[]; };
layout(std430, binding = 1) writeonly buffer InputGrad { float inputGrad[]; };
layout(push_constant) uniform Params { uint outer; uint axis; uint inner; } p;

void main() {
    uint i = linear_index();
    if (i >= p.outer * p.axis * p.inner) return;
    uint o = i / (p.axis * p.inner);
    float g = outputGrad[o * p.inner + i % p.inner];
    inputGrad[i] = MEAN ? g / float(p.axis) : g;
}
