#version 450
// Bilinear resize of NCHW planes (align_corners = false), up or down: one invocation per output pixel of a plane,
// planes along z (see plane_grid.glsl). The input is read through a texel buffer, which llvmpipe turns into one vector
// gather per tap instead of a load loop over the SIMD lanes.
// With QUADS (output rows a whole number of vec4s) an invocation fills 4 consecutive outputs of a row with one vec4
// store: llvmpipe runs every storage store as a loop over the SIMD lanes, so one store instead of four is most of
// what an upsampling pays.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "bilinear.glsl"
#include "plane_grid.glsl"

layout(binding = 0) uniform samplerBuffer x; // read through texel_element (common.glsl)
layout(std430, binding = 1) writeonly buffer Y { float y[]; };
layout(std430, binding = 1) writeonly buffer Y4 { vec4 y4[]; };
layout(constant_id = 0) const bool QUADS = false;
layout(push_constant) uniform Params {
    uint planes;      // N * C
    uint in_h;
    uint in_w;
    uint out_h;
    uint out_w;
    float scale_y;    // in_h / out_h
    float scale_x;    // in_w / out_w
} p;

void main() {
    uint ox = gl_GlobalInvocationID.x, oy = gl_GlobalInvocationID.y;
    if (oy >= p.out_h) return;
    Taps ty = bilinear_taps(oy, p.scale_y, p.in_h);
    if (QUADS) {
        uint out_w4 = p.out_w / 4;
        if (ox >= out_w4) return;
        Taps tx[4];
        [[unroll]] for (uint e = 0; e < 4; e++) tx[e] = bilinear_taps(4 * ox + e, p.scale_x, p.in_w);
        for (uint plane = gl_WorkGroupID.z; plane < p.planes; plane += gl_NumWorkGroups.z) {
            uint base = plane * p.in_h * p.in_w;
            uint row0 = base + ty.first * p.in_w;
            uint row1 = base + ty.second * p.in_w;
            vec4 v;
            [[unroll]] for (uint e = 0; e < 4; e++) {
                float top = mix(texel_element(x, row0 + tx[e].first), texel_element(x, row0 + tx[e].second), tx[e].second_weight);
                float bottom = mix(texel_element(x, row1 + tx[e].first), texel_element(x, row1 + tx[e].second), tx[e].second_weight);
                v[e] = mix(top, bottom, ty.second_weight);
            }
            y4[(plane * p.out_h + oy) * out_w4 + ox] = v;
        }
        return;
    }
    if (ox >= p.out_w) return;
    Taps tx = bilinear_taps(ox, p.scale_x, p.in_w);
    for (uint plane = gl_WorkGroupID.z; plane < p.planes; plane += gl_NumWorkGroups.z) {
        uint base = plane * p.in_h * p.in_w;
        uint row0 = base + ty.first * p.in_w;
        uint row1 = base + ty.second * p.in_w;
        float top = mix(texel_element(x, row0 + tx.first), texel_element(x, row0 + tx.second), tx.second_weight);
        float bottom = mix(texel_element(x, row1 + tx.first), texel_element(x, row1 + tx.second), tx.second_weight);
        y[(plane * p.out_h + oy) * p.out_w + ox] = mix(top, bottom, ty.second_weight);
    }
}
