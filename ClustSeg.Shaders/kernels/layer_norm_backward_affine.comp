#version 450
// LayerNorm backward, parameter gradients: dweight[d] = sum over rows of dy * xhat, dbias[d] = sum of dy.
// A workgroup owns COLUMNS adjacent columns (coalesced reads across x) and splits the rows over ROW_LANES lanes
// along y, which are summed through shared memory at the end.
#include "common.glsl"
#define COLUMNS 32
#define ROW_LANES 8
layout(local_size_x = COLUMNS, local_size_y = ROW_LANES) in;

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Dy { float dy[]; };
layout(std430, binding = 2) readonly buffer Mean { float mean_in[]; };
layout(std430, binding = 3) readonly buffer Rstd { float rstd_in[]; };
layout(std430, binding = 4) writeonly buffer DWeight { float dweight[]; };
layout(std430, binding = 5) writeonly buffer DBias { float dbias[]; };
layout(push_constant) uniform Params {
    uint rows;
    uint width;
} p;

shared vec2 lanes[ROW_LANES][COLUMNS];

void main() {
    uint column = gl_WorkGroupID.x * COLUMNS + gl_LocalInvocationID.x;
    uint lane = gl_LocalInvocationID.y;
    vec2 sums = vec2(0.0); // (sum dy * xhat, sum dy)
    if (column < p.width) {
        for (uint row = lane; row < p.rows; row += ROW_LANES) {
            uint i = row * p.width + column;
            sums += vec2(dy[i] * (x[i] - mean_in[row]) * rstd_in[row], dy[i]);
        }
    }
    lanes[lane][gl_LocalInvocationID.x] = sums;
    barrier();
    if (lane == 0 && column < p.width) {
        for (uint l = 1; l < ROW_LANES; l++) sums += lanes[l][gl_LocalInvocationID.x];
        dweight[column] = sums.x;
        dbias[column] = sums.y;
    }
}
