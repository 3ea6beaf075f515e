#version 450
// Backward of max_pool.comp without atomics: one invocation per input element sums dy over the windows that
// contain it and chose it (their saved index equals its own). Windows containing row iy are
// oy in [ceil((iy + pad - k + 1) / stride), floor((iy + pad) / stride)], likewise for columns.
#include "common.glsl"
layout(local_size_x_id = 0) in;

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
    uint i = linear_index();
    if (i >= p.planes * p.in_h * p.in_w) return;
    uint ix = i % p.in_w;
    uint iy = (i / p.in_w) % p.in_h;
    uint plane = i / (p.in_w * p.in_h);
    int own = int(iy * p.in_w + ix);
    ivec2 rows = windows(iy, p.out_h);
    ivec2 cols = windows(ix, p.out_w);
    uint base = plane * p.out_h * p.out_w;
    float sum = 0.0;
    for (int oy = rows.x; oy < rows.y; oy++)
        for (int ox = cols.x; ox < cols.y; ox++) {
            uint o = base + uint(oy) * p.out_w + uint(ox);
            if (indices[o] == own) sum += dy[o];
        }
    dx[i] = sum;
}
