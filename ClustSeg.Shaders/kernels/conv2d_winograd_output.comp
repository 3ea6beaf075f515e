#version 450
// Output transform of the Winograd F(2x2, 3x3) convolution (Conv2dWinograd on the host): each 2x2 output tile is
// A^T m A of the 16 products m[xi][o][tile] (the batched GEMM U[xi] V[xi]), A^T = [1 1 1 0; 0 1 -1 -1], plus the bias
// (CONV_FLAG_BIAS) and the output already there (CONV_FLAG_ACCUMULATE). Tiles are numbered as in
// conv2d_winograd_input.comp; each lane takes 4 neighbouring tiles of a row (16 texel fetches) and writes their 2 x 8
// outputs, as vec4 stores where the rows are a multiple of 4 wide.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;

layout(binding = 0) uniform samplerBuffer m;
layout(std430, binding = 1) readonly buffer Bias { float bias[]; };
layout(std430, binding = 2) buffer Output { float y[]; };
layout(std430, binding = 2) buffer Output4 { vec4 y4[]; };

void main() {
    const uint row_length = (p.out_width + 1) / 2 + 3 & ~3u;
    const uint quad = gl_GlobalInvocationID.x, tile_row = gl_WorkGroupID.y;
    if (quad >= row_length / 4) return;
    const uint image = gl_WorkGroupID.z / p.out_channels, o = gl_WorkGroupID.z % p.out_channels;
    const uint tile_rows = (p.out_height + 1) / 2;
    const uint tiles = p.batch * tile_rows * row_length;
    const uint first_tile = (image * tile_rows + tile_row) * row_length + 4 * quad;
    const uint xi_step = p.out_channels * tiles;
    const int base = int((o * tiles + first_tile) / 4);
    // A^T along the rows of each tile's 4x4 products (vec4 over the 4 tiles), then A along the columns.
    vec4 t[2][4];
    [[unroll]] for (uint j = 0; j < 4; j++) {
        const vec4 m0 = texelFetch(m, base + int(j * xi_step / 4));
        const vec4 m1 = texelFetch(m, base + int((4 + j) * xi_step / 4));
        const vec4 m2 = texelFetch(m, base + int((8 + j) * xi_step / 4));
        const vec4 m3 = texelFetch(m, base + int((12 + j) * xi_step / 4));
        t[0][j] = m0 + m1 + m2;
        t[1][j] = m1 - m2 - m3;
    }
    const float b = (p.flags & CONV_FLAG_BIAS) != 0u ? bias[o] : 0.0;
    const bool accumulate = (p.flags & CONV_FLAG_ACCUMULATE) != 0u;
    const uint first_column = 8 * quad;
    [[unroll]] for (uint r = 0; r < 2; r++) {
        const uint oh = 2 * tile_row + r;
        if (oh >= p.out_height) break;
        const vec4 left = t[r][0] + t[r][1] + t[r][2] + b;  // column 0 of each tile
        const vec4 right = t[r][1] - t[r][2] - t[r][3] + b; // column 1
        const vec4 lo = vec4(left.x, right.x, left.y, right.y), hi = vec4(left.z, right.z, left.w, right.w);
        const uint row_at = ((image * p.out_channels + o) * p.out_height + oh) * p.out_width;
        if (p.out_width % 4 == 0) {
            if (first_column < p.out_width) {
                const uint at = (row_at + first_column) / 4;
                y4[at] = accumulate ? y4[at] + lo : lo;
            }
            if (first_column + 4 < p.out_width) {
                const uint at = (row_at + first_column) / 4 + 1;
                y4[at] = accumulate ? y4[at] + hi : hi;
            }
            continue;
        }
        [[unroll]] for (uint e = 0; e < 8; e++) {
            const uint ow = first_column + e;
            if (ow >= p.out_width) break;
            const float value = e < 4 ? lo[e] : hi[e - 4];
            y[row_at + ow] = accumulate ? y[row_at + ow] + value : value;
        }
    }
}
