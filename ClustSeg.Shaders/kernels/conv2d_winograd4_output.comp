#version 450
// Output transform of the Winograd F(4x4, 3x3) convolution (Conv2dWinograd on the host): each 4x4 output tile is
// A^T m A of the 36 products m[xi][o][tile] (the batched GEMM U[xi] V[xi]),
// A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1], plus the bias (CONV_FLAG_BIAS) and the output
// already there (CONV_FLAG_ACCUMULATE). Tiles are numbered as in conv2d_winograd4_input.comp; each lane takes 4
// neighbouring tiles of a row (36 texel fetches) and writes their 4 x 16 outputs, as vec4 stores where the rows are a
// multiple of 4 wide.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;

layout(binding = 0) uniform samplerBuffer m;
layout(std430, binding = 1) readonly buffer Bias { float bias[]; };
layout(std430, binding = 2) buffer Output { float y[]; };
layout(std430, binding = 2) buffer Output4 { vec4 y4[]; };

// Row r of A^T applied to six values.
vec4 at_row(int r, vec4 m0, vec4 m1, vec4 m2, vec4 m3, vec4 m4, vec4 m5) {
    return r == 0 ? m0 + m1 + m2 + m3 + m4
         : r == 1 ? m1 - m2 + 2.0 * (m3 - m4)
         : r == 2 ? m1 + m2 + 4.0 * (m3 + m4)
         : m1 - m2 + 8.0 * (m3 - m4) + m5;
}

void main() {
    const uint row_length = (p.out_width + 3) / 4 + 3 & ~3u;
    const uint quad = gl_GlobalInvocationID.x, tile_row = gl_WorkGroupID.y;
    if (quad >= row_length / 4) return;
    const uint image = gl_WorkGroupID.z / p.out_channels, o = gl_WorkGroupID.z % p.out_channels;
    const uint tile_rows = (p.out_height + 3) / 4;
    const uint tiles = p.batch * tile_rows * row_length;
    const uint first_tile = (image * tile_rows + tile_row) * row_length + 4 * quad;
    const int xi_step = int(p.out_channels * tiles / 4);
    const int base = int((o * tiles + first_tile) / 4);
    // A^T along the rows of each tile's 6x6 products (vec4 over the 4 tiles).
    vec4 t[4][6];
    [[unroll]] for (int j = 0; j < 6; j++) {
        vec4 col[6];
        [[unroll]] for (int i = 0; i < 6; i++) col[i] = texelFetch(m, base + (6 * i + j) * xi_step);
        [[unroll]] for (int r = 0; r < 4; r++) t[r][j] = at_row(r, col[0], col[1], col[2], col[3], col[4], col[5]);
    }
    const float b = (p.flags & CONV_FLAG_BIAS) != 0u ? bias[o] : 0.0;
    const bool accumulate = (p.flags & CONV_FLAG_ACCUMULATE) != 0u;
    const uint first_column = 16 * quad;
    [[unroll]] for (int r = 0; r < 4; r++) {
        const uint oh = 4 * tile_row + uint(r);
        if (oh >= p.out_height) break;
        // Column c of every tile, then each tile's 4 columns as one vec4.
        vec4 cols[4];
        [[unroll]] for (int c = 0; c < 4; c++) cols[c] = at_row(c, t[r][0], t[r][1], t[r][2], t[r][3], t[r][4], t[r][5]) + b;
        const uint row_at = ((image * p.out_channels + o) * p.out_height + oh) * p.out_width;
        [[unroll]] for (int tile = 0; tile < 4; tile++) {
            const vec4 value = vec4(cols[0][tile], cols[1][tile], cols[2][tile], cols[3][tile]);
            const uint ow = first_column + 4 * uint(tile);
            if (ow >= p.out_width) break;
            if (p.out_width % 4 == 0) {
                const uint at = (row_at + ow) / 4;
                y4[at] = accumulate ? y4[at] + value : value;
                continue;
            }
            [[unroll]] for (int e = 0; e < 4; e++) {
                if (ow + uint(e) >= p.out_width) break;
                const uint at = row_at + ow + uint(e);
                y[at] = accumulate ? y[at] + value[e] : value[e];
            }
        }
    }
}
