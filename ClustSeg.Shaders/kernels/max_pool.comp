#version 450
// Max pooling of NCHW planes (square kernel, stride, padding that acts as -inf, so padded positions never win),
// floor-mode output size. One invocation per output pixel, planes along z (plane_grid.glsl); it also records the
// winner's index within its input plane (iy * W + ix, the first maximum in scan order, NaN wins as in PyTorch) for
// the backward.
#include "common.glsl"
#include "plane_grid.glsl"

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) writeonly buffer Y { float y[]; };
layout(std430, binding = 2) writeonly buffer Indices { int indices[]; };
layout(push_constant) uniform Params {
    uint planes;
    uint in_h;
    uint in_w;
    uint out_h;
    uint out_w;
    uint kernel_size;
    uint stride;
    uint padding;
} p;

void main() {
    uint ox = gl_GlobalInvocationID.x, oy = gl_GlobalInvocationID.y;
    if (ox >= p.out_w || oy >= p.out_h) return;
    int y0 = int(oy * p.stride) - int(p.padding);
    int x0 = int(ox * p.stride) - int(p.padding);
    int y_first = max(y0, 0), y_end = min(y0 + int(p.kernel_size), int(p.in_h));
    int x_first = max(x0, 0), x_end = min(x0 + int(p.kernel_size), int(p.in_w));
    for (uint plane = gl_WorkGroupID.z; plane < p.planes; plane += gl_NumWorkGroups.z) {
        uint base = plane * p.in_h * p.in_w;
        float best = uintBitsToFloat(0xff800000u); // -inf
        int best_index = y_first * int(p.in_w) + x_first;
        for (int iy = y_first; iy < y_end; iy++)
            for (int ix = x_first; ix < x_end; ix++) {
                int index = iy * int(p.in_w) + ix;
                float v = x[base + index];
                if (v > best || isnan(v)) {
                    best = v;
                    best_index = index;
                }
            }
        uint o = (plane * p.out_h + oy) * p.out_w + ox;
        y[o] = best;
        indices[o] = best_index;
    }
}
