#version 450
// Input transform of the Winograd F(4x4, 3x3) convolution (Conv2dWinograd on the host): for every 6x6 input patch d
// under a 4x4 output tile, V[xi][c][tile] = (B^T d B)[xi], xi = 6 * i + j, with
// B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1].
// Tiles are numbered (image * tile_rows + tile_row) * tile_row_length + tile_column, the row length being
// ceil(out_width / 4) rounded up to 4: each lane takes 4 neighbouring tiles of a row and stores each xi as one vec4;
// tiles past the right edge get the transform of whatever lies there and are never read back. A lane's 4 tiles read
// 18 neighbouring input columns per row, fetched as the 6 texels they lie in (the offset into the first is the same
// for every lane, as in conv2d_winograd_input.comp).
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;

layout(binding = 0) uniform samplerBuffer x;
layout(std430, binding = 1) writeonly buffer Transformed { vec4 v4[]; };

// Row i of B^T applied to six rows (or columns) of values.
vec4 bt(int i, vec4 d0, vec4 d1, vec4 d2, vec4 d3, vec4 d4, vec4 d5) {
    return i == 0 ? 4.0 * d0 - 5.0 * d2 + d4
         : i == 1 ? -4.0 * (d1 + d2) + d3 + d4
         : i == 2 ? 4.0 * (d1 - d2) - d3 + d4
         : i == 3 ? 2.0 * (d3 - d1) - d2 + d4
         : i == 4 ? 2.0 * (d1 - d3) - d2 + d4
         : 4.0 * d1 - 5.0 * d3 + d5;
}

void main() {
    const uint row_length = (p.out_width + 3) / 4 + 3 & ~3u;
    const uint quad = gl_GlobalInvocationID.x, tile_row = gl_WorkGroupID.y;
    if (quad >= row_length / 4) return;
    const uint image = gl_WorkGroupID.z / p.channels, c = gl_WorkGroupID.z % p.channels;
    const uint tile_rows = (p.out_height + 3) / 4;
    const uint tiles = p.batch * tile_rows * row_length;
    const uint first_tile = (image * tile_rows + tile_row) * row_length + 4 * quad;
    const int first_column = int(16 * quad) - int(p.pad_w);
    const int last_texel = textureSize(x) - 1;
    bvec4 inside[5];
    [[unroll]] for (int k = 0; k < 5; k++)
        [[unroll]] for (int e = 0; e < 4; e++) {
            const int column = first_column + 4 * k + e;
            inside[k][e] = column >= 0 && column < int(p.width);
        }
    // The patch rows, 20 columns each (the last two unused).
    vec4 d[6][5];
    [[unroll]] for (int r = 0; r < 6; r++) {
        const int ih = int(4 * tile_row) + r - int(p.pad_h);
        if (ih < 0 || ih >= int(p.height)) {
            [[unroll]] for (int k = 0; k < 5; k++) d[r][k] = vec4(0.0);
            continue;
        }
        const int start = int((image * p.channels + c) * p.height + uint(ih)) * int(p.width) + first_column;
        const int texel = start >> 2;
        const uint shift = uint(start) & 3u;
        vec4 t[6];
        [[unroll]] for (int k = 0; k < 6; k++) t[k] = texelFetch(x, clamp(texel + k, 0, last_texel));
        [[unroll]] for (int k = 0; k < 5; k++) d[r][k] = mix(vec4(0.0), texel_window(t[k], t[k + 1], shift), inside[k]);
    }
    const uint xi_step = p.channels * tiles;
    const uint at = c * tiles + first_tile;
    [[unroll]] for (int i = 0; i < 6; i++) {
        vec4 a[5];
        [[unroll]] for (int k = 0; k < 5; k++) a[k] = bt(i, d[0][k], d[1][k], d[2][k], d[3][k], d[4][k], d[5][k]);
        // Column e of tile t is element 4t + e of the row: gather each e across the 4 tiles, then B along the columns.
        const vec4 c0 = vec4(a[0].x, a[1].x, a[2].x, a[3].x);
        const vec4 c1 = vec4(a[0].y, a[1].y, a[2].y, a[3].y);
        const vec4 c2 = vec4(a[0].z, a[1].z, a[2].z, a[3].z);
        const vec4 c3 = vec4(a[0].w, a[1].w, a[2].w, a[3].w);
        const vec4 c4 = vec4(a[1].x, a[2].x, a[3].x, a[4].x);
        const vec4 c5 = vec4(a[1].y, a[2].y, a[3].y, a[4].y);
        [[unroll]] for (int j = 0; j < 6; j++)
            v4[(at + uint(6 * i + j) * xi_step) / 4] = bt(j, c0, c1, c2, c3, c4, c5);
    }
}
