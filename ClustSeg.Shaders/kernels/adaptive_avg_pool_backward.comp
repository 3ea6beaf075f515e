#version 450
// Backward of adaptive_avg_pool.comp without atomics: one invocation per input pixel (planes along z) gathers
// dy / cell area from every cell containing it. Along an axis those are the cells
// floor(i*OUT/IN) .. ceil((i+1)*OUT/IN) - 1; membership is confirmed with the forward's own integer cell bounds.
#include "common.glsl"
#include "plane_grid.glsl"

layout(std430, binding = 0) readonly buffer Dy { float dy[]; };
layout(std430, binding = 1) writeonly buffer Dx { float dx[]; };
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
    uint ix = gl_GlobalInvocationID.x, iy = gl_GlobalInvocationID.y;
    if (ix >= p.in_w || iy >= p.in_h) return;
    uint oy_first = (iy * p.out_h) / p.in_h;
    uint oy_last = min(((iy + 1) * p.out_h + p.in_h - 1) / p.in_h, p.out_h);
    uint ox_first = (ix * p.out_w) / p.in_w;
    uint ox_last = min(((ix + 1) * p.out_w + p.in_w - 1) / p.in_w, p.out_w);
    for (uint plane = gl_WorkGroupID.z; plane < p.planes; plane += gl_NumWorkGroups.z) {
        uint base = plane * p.out_h * p.out_w;
        float sum = 0.0;
        for (uint oy = oy_first; oy < oy_last; oy++) {
            uint y0 = cell_start(oy, p.in_h, p.out_h), y1 = cell_end(oy, p.in_h, p.out_h);
            if (iy < y0 || iy >= y1) continue;
            for (uint ox = ox_first; ox < ox_last; ox++) {
                uint x0 = cell_start(ox, p.in_w, p.out_w), x1 = cell_end(ox, p.in_w, p.out_w);
                if (ix < x0 || ix >= x1) continue;
                sum += dy[base + oy * p.out_w + ox] / float((y1 - y0) * (x1 - x0));
            }
        }
        dx[(plane * p.in_h + iy) * p.in_w + ix] = sum;
    }
}
