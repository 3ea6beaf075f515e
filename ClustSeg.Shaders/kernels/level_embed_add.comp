#version 450
// RCross key input: y[n, c, pixel] = x[n, c, pixel] + level[l, c] (+ position[c, pixel] when HAS_POSITION),
// adding the scale's level embedding row, and the sine position code, in one pass. One invocation per element.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool HAS_POSITION = false;

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Level { float level[]; };
layout(std430, binding = 2) readonly buffer Position { float position[]; };
layout(std430, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Params {
    uint batch;
    uint channels;
    uint hw;
    uint level_index;
} p;

void main() {
    uint i = linear_index();
    uint per_sample = p.channels * p.hw;
    if (i >= p.batch * per_sample) return;
    uint within = i % per_sample; // c * hw + pixel, the position code's index
    float v = x[i] + level[p.level_index * p.channels + within / p.hw];
    if (HAS_POSITION) v += position[within];
    y[i] = v;
}
