#version 450
// Adaptive average pooling of NCHW planes: output cell (oy, ox) averages input rows floor(oy*H/OH) ..
// ceil((oy+1)*H/OH) - 1 and likewise columns (PyTorch's cells, which overlap when sizes do not divide).
// One invocation per output pixel, planes along z (plane_grid.glsl). The input is read through a texel buffer, which
// llvmpipe turns into vector gathers instead of a load loop over the SIMD lanes (the superpixel seeds read every pixel
// of 25 feature planes).
#include "common.glsl"
#include "plane_grid.glsl"

layout(binding = 0) uniform samplerBuffer x; // read through texel_element (common.glsl)
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
    uint ox = gl_GlobalInvocationID.x, oy = gl_GlobalInvocationID.y;
    if (ox >= p.out_w || oy >= p.out_h) return;
    uint y0 = cell_start(oy, p.in_h, p.out_h), y1 = cell_end(oy, p.in_h, p.out_h);
    uint x0 = cell_start(ox, p.in_w, p.out_w), x1 = cell_end(ox, p.in_w, p.out_w);
    float area = float((y1 - y0) * (x1 - x0));
    for (uint plane = gl_WorkGroupID.z; plane < p.planes; plane += gl_NumWorkGroups.z) {
        uint base = plane * p.in_h * p.in_w;
        float sum = 0.0;
        for (uint iy = y0; iy < y1; iy++)
            for (uint ix = x0; ix < x1; ix++) sum += texel_element(x, base + iy * p.in_w + ix);
        y[(plane * p.out_h + oy) * p.out_w + ox] = sum / area;
    }
}
