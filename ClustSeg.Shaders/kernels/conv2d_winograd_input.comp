#version 450
// Input transform of the Winograd F(2x2, 3x3) convolution (Conv2dWinograd on the host): for every 4x4 input patch d
// under a 2x2 output tile, V[xi][c][tile] = (B^T d B)[xi], xi = 4 * i + j, B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
// Tiles are numbered (image * tile_rows + tile_row) * tile_row_length + tile_column, the row length being
// ceil(out_width / 2) rounded up to 4, so that each lane takes 4 neighbouring tiles of a row and stores each xi as
// one vec4; the tiles past the right edge get the transform of whatever lies there and are never read back.
// A lane's 4 tiles read 10 neighbouring input columns per row, fetched as the 4 texels they lie in: their offset
// into the first one is the same for every lane, so picking them out costs no per-lane branch (llvmpipe gathers
// every load lane by lane, so 16 texel fetches replace 40 element loads).
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;

layout(binding = 0) uniform samplerBuffer x;
layout(std430, binding = 1) writeonly buffer Transformed { vec4 v4[]; };

void main() {
    const uint row_length = (p.out_width + 1) / 2 + 3 & ~3u;
    const uint quad = gl_GlobalInvocationID.x, tile_row = gl_WorkGroupID.y;
    if (quad >= row_length / 4) return;
    const uint image = gl_WorkGroupID.z / p.channels, c = gl_WorkGroupID.z % p.channels;
    const uint tile_rows = (p.out_height + 1) / 2;
    const uint tiles = p.batch * tile_rows * row_length;
    const uint first_tile = (image * tile_rows + tile_row) * row_length + 4 * quad;
    const int first_column = int(8 * quad) - int(p.pad_w);
    const int last_texel = textureSize(x) - 1;
    bvec4 inside[3];
    [[unroll]] for (int k = 0; k < 3; k++)
        [[unroll]] for (int e = 0; e < 4; e++) {
            const int column = first_column + 4 * k + e;
            inside[k][e] = column >= 0 && column < int(p.width);
        }
    // The patch rows, 12 columns each (the last two unused), after B^T along the rows.
    vec4 d[4][3];
    [[unroll]] for (int r = 0; r < 4; r++) {
        const int ih = int(2 * tile_row) + r - int(p.pad_h);
        if (ih < 0 || ih >= int(p.height)) {
            d[r][0] = d[r][1] = d[r][2] = vec4(0.0);
            continue;
        }
        const int start = int((image * p.channels + c) * p.height + uint(ih)) * int(p.width) + first_column;
        const int texel = start >> 2;
        const uint shift = uint(start) & 3u;
        const vec4 t0 = texelFetch(x, clamp(texel, 0, last_texel));
        const vec4 t1 = texelFetch(x, clamp(texel + 1, 0, last_texel));
        const vec4 t2 = texelFetch(x, clamp(texel + 2, 0, last_texel));
        const vec4 t3 = texelFetch(x, clamp(texel + 3, 0, last_texel));
        d[r][0] = mix(vec4(0.0), texel_window(t0, t1, shift), inside[0]);
        d[r][1] = mix(vec4(0.0), texel_window(t1, t2, shift), inside[1]);
        d[r][2] = mix(vec4(0.0), texel_window(t2, t3, shift), inside[2]);
    }
    [[unroll]] for (int i = 0; i < 4; i++) {
        vec4 a[3];
        [[unroll]] for (int k = 0; k < 3; k++)
            a[k] = i == 0 ? d[0][k] - d[2][k] : i == 1 ? d[1][k] + d[2][k] : i == 2 ? d[2][k] - d[1][k] : d[1][k] - d[3][k];
        // Column e of tile t is element 2t + e of the row: gather each e across the 4 tiles, then B along the columns.
        const vec4 c0 = vec4(a[0].x, a[0].z, a[1].x, a[1].z);
        const vec4 c1 = vec4(a[0].y, a[0].w, a[1].y, a[1].w);
        const vec4 c2 = vec4(a[0].z, a[1].x, a[1].z, a[2].x);
        const vec4 c3 = vec4(a[0].w, a[1].y, a[1].w, a[2].y);
        const uint at = ((4 * i) * p.channels + c) * tiles + first_tile;
        const uint xi_step = p.channels * tiles;
        v4[at / 4] = c0 - c2;
        v4[(at + xi_step) / 4] = c1 + c2;
        v4[(at + 2 * xi_step) / 4] = c2 - c1;
        v4[(at + 3 * xi_step) / 4] = c1 - c3;
    }
}
