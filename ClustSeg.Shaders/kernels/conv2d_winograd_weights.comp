#version 450
// Weight transform of the Winograd convolutions (Conv2dWinograd on the host): U[xi][row][col] = G g G^T,
// xi = n * i + j, for the 3x3 kernel g of each (row, col) pair, where n x n is the transform's size: F(2x2, 3x3)
// (n = 4) has G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1], F(4x4, 3x3) (TILE4, n = 6) has
// G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1].
// The push constants describe the convolution being run: rows are its output channels, cols its input channels.
// FLIPPED runs the input gradient of a convolution with weights [cols][rows][3][3]: g is weight[col][row] turned by
// 180 degrees (the input gradient of a stride-1 convolution is the convolution of grad_y with mirrored,
// channel-swapped weights).
#extension GL_EXT_control_flow_attributes : require
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool FLIPPED = false;
layout(constant_id = 2) const bool TILE4 = false;

layout(std430, binding = 0) readonly buffer Weights { float weight[]; };
layout(std430, binding = 1) writeonly buffer Transformed { float u[]; };

vec3 g_row(int i) {
    if (!TILE4) return i == 0 ? vec3(1.0, 0.0, 0.0) : i == 1 ? vec3(0.5) : i == 2 ? vec3(0.5, -0.5, 0.5) : vec3(0.0, 0.0, 1.0);
    return i == 0 ? vec3(0.25, 0.0, 0.0)
         : i == 1 ? vec3(-1.0 / 6.0)
         : i == 2 ? vec3(-1.0 / 6.0, 1.0 / 6.0, -1.0 / 6.0)
         : i == 3 ? vec3(1.0 / 24.0, 1.0 / 12.0, 1.0 / 6.0)
         : i == 4 ? vec3(1.0 / 24.0, -1.0 / 12.0, 1.0 / 6.0)
         : vec3(0.0, 0.0, 1.0);
}

void main() {
    const int n = TILE4 ? 6 : 4;
    const uint rows = p.out_channels, cols = p.channels, pairs = rows * cols;
    const uint pair = gl_GlobalInvocationID.x;
    if (pair >= pairs) return;
    const uint row = pair / cols, col = pair % cols;
    const uint source = 9 * (FLIPPED ? col * rows + row : pair);
    vec3 g[3];
    [[unroll]] for (uint r = 0; r < 3; r++)
        [[unroll]] for (uint c = 0; c < 3; c++) {
            const uint tap = 3 * r + c;
            g[r][c] = weight[source + (FLIPPED ? 8 - tap : tap)];
        }
    [[unroll]] for (int i = 0; i < 6; i++) {
        if (i >= n) break;
        const vec3 gi = g_row(i);
        const vec3 row_i = gi.x * g[0] + gi.y * g[1] + gi.z * g[2]; // row i of G g
        [[unroll]] for (int j = 0; j < 6; j++) {
            if (j >= n) break;
            u[uint(n * i + j) * pairs + pair] = dot(row_i, g_row(j));
        }
    }
}
