#version 450
// Backward of resize_bilinear.comp without atomics: one invocation per input pixel (planes along z) gathers dy from
// every output position whose taps include it. Along each axis those outputs lie in a short window around
// (src + 0.5) / scale - 0.5, widened by one on each side; the exact weight decides membership, using the same tap
// rule as the forward. dy is read through a texel buffer (one vector gather on llvmpipe, see resize_bilinear.comp).
#include "common.glsl"
#include "bilinear.glsl"
#include "plane_grid.glsl"

layout(binding = 0) uniform samplerBuffer dy; // read through texel_element (common.glsl)
layout(std430, binding = 1) writeonly buffer Dx { float dx[]; };
layout(push_constant) uniform Params {
    uint planes;
    uint in_h;
    uint in_w;
    uint out_h;
    uint out_w;
    float scale_y;
    float scale_x;
} p;

// Outputs [first, last] along one axis that can reach input position `src`.
uvec2 candidates(uint src, float scale, uint out_size) {
    float lo = (float(src) - 0.5) / scale - 0.5;
    float hi = (float(src) + 1.5) / scale - 0.5;
    int first = max(int(floor(lo)) - 1, 0);
    int last = min(int(ceil(hi)) + 1, int(out_size) - 1);
    return uvec2(first, last);
}

void main() {
    uint ix = gl_GlobalInvocationID.x, iy = gl_GlobalInvocationID.y;
    if (ix >= p.in_w || iy >= p.in_h) return;
    uvec2 rows = candidates(iy, p.scale_y, p.out_h);
    uvec2 cols = candidates(ix, p.scale_x, p.out_w);
    for (uint plane = gl_WorkGroupID.z; plane < p.planes; plane += gl_NumWorkGroups.z) {
        uint base = plane * p.out_h * p.out_w;
        float sum = 0.0;
        for (uint oy = rows.x; oy <= rows.y; oy++) {
            float wy = bilinear_weight(oy, iy, p.scale_y, p.in_h);
            if (wy == 0.0) continue;
            float row_sum = 0.0;
            for (uint ox = cols.x; ox <= cols.y; ox++)
                row_sum += bilinear_weight(ox, ix, p.scale_x, p.in_w) * texel_element(dy, base + oy * p.out_w + ox);
            sum += wy * row_sum;
        }
        dx[(plane * p.in_h + iy) * p.in_w + ix] = sum;
    }
}
