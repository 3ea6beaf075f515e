#version 450
// Adaptive average pooling of NCHW planes: output cell (oy, ox) averages input rows floor(oy*H/OH) ..
// ceil((oy+1)*H/OH) - 1 and likewise columns (PyTorch's cells, which overlap when sizes do not divide).
// One invocation per output element.
#include "common.glsl"
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Params {
    uint planes;
    uint in_h;
    uint in_w;
    uint out_h;
    uint out_w;
} p;

uint cell_start(uint o, uint in_size, uint out_size) { return (o * in_size) / out_size; }
uint cell_end(uint o, uint in_size, uint out_size) { return ((o + 1) * in_size + out_size - 1) / out_size; }

void main() {
    uint i = linear_index();
    if (i >= p.planes * p.out_h * p.out_w) return;
    uint ox = i % p.out_w;
    uint oy = (i / p.out_w) % p.out_h;
    uint plane = i / (p.out_w * p.out_h);
    uint y0 = cell_start(oy, p.in_h, p.out_h), y1 = cell_end(oy, p.in_h, p.out_h);
    uint x0 = cell_start(ox, p.in_w, p.out_w), x1 = cell_end(ox, p.in_w, p.out_w);
    uint base = plane * p.in_h * p.in_w;
    float sum = 0.0;
    for (uint iy = y0; iy < y1; iy++)
        for (uint ix = x0; ix < x1; ix++) sum += x[base + iy * p.in_w + ix];
    y[i] = sum / float((y1 - y0) * (x1 - x0));
}
