#version 450
// Batched matrix transpose [batch, rows, cols] -> [batch, cols, rows]; it serves the permutes NCHW <-> N(HW)C
// (rows, cols = C, HW one way and HW, C the other). A 32x32 tile goes through shared memory so that both the reads
// and the writes run along contiguous memory; the padded row (33) keeps the column reads free of bank conflicts.
#include "common.glsl"
#define TILE 32
#define LANES_Y 8
layout(local_size_x = TILE, local_size_y = LANES_Y) in;

layout(std430, binding = 0) readonly buffer In { float src[]; };
layout(std430, binding = 1) writeonly buffer Out { float dst[]; };
layout(push_constant) uniform Params {
    uint rows;
    uint cols;
} p;

shared float tile[TILE][TILE + 1];

void main() {
    uint base = gl_WorkGroupID.z * p.rows * p.cols;
    uint tile_row = gl_WorkGroupID.y * TILE;
    uint tile_col = gl_WorkGroupID.x * TILE;
    uint tx = gl_LocalInvocationID.x;
    uint ty = gl_LocalInvocationID.y;

    for (uint j = ty; j < TILE; j += LANES_Y) {
        uint r = tile_row + j, c = tile_col + tx;
        if (r < p.rows && c < p.cols) tile[j][tx] = src[base + r * p.cols + c];
    }
    barrier();
    for (uint j = ty; j < TILE; j += LANES_Y) {
        uint c = tile_col + j, r = tile_row + tx; // output row c, column r
        if (r < p.rows && c < p.cols) dst[base + c * p.rows + r] = tile[tx][j];
    }
}
