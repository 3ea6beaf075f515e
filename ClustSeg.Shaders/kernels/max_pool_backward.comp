#version 450
// Backward of max_pool.comp without atomics: one invocation per input pixel (planes along z) sums dy over the windows
// that contain it and chose it (their saved index equals its own). Windows containing row iy are
// oy in [ceil((iy + pad - k + 1) / stride), floor((iy + pad) / stride)], likewise for columns.
#include "common.glsl"
#include "plane_grid.glsl"

layout(std430, binding = 0) readonly buffer Dy { float dy[]; };
layout(std430, binding = 1) readonly buffer Indices { int indices[]; };
layout(std430, binding = 2) writeonly buffer Dx { float dx[]; };
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

// Windows [first, end) along one axis whose span includes input position `position`.
ivec2 windows(uint position, uint out_size) {
    int reach = int(position + p.padding);
    int first = max(reach - int(p.kernel_size) + int(p.stride), 0) / int(p.stride); // ceil((reach - k + 1) / s)
    int end = min(reach / int(p.stride) + 1, int(out_size));
    return ivec2(first, end);
}

void main() {
    uint ix = gl_GlobalInvocationID.x, iy = gl_GlobalInvocationID.y;
    if (ix >= p.in_w || iy >= p.in_h) return;
    int own = int(iy * p.in_w + ix);
    ivec2 rows = windows(iy, p.out_h);
    ivec2 cols = windows(ix, p.out_w);
    for (uint plane = gl_WorkGroupID.z; plane < p.planes; plane += gl_NumWorkGroups.z) {
        uint base = plane * p.out_h * p.out_w;
        float sum = 0.0;
        for (int oy = rows.x; oy < rows.y; oy++)
            for (int ox = cols.x; ox < cols.y; ox++) {
                uint o = base + uint(oy) * p.out_w + uint(ox);
                if (indices[o] == own) sum += dy[o];
            }
        dx[(plane * p.in_h + iy) * p.in_w + ix] = sum;
    }
}
