#version 450
// Weight transform of the Winograd F(2x2, 3x3) convolution (Conv2dWinograd on the host): U[xi][row][col] = G g G^T,
// xi = 4 * i + j, for the 3x3 kernel g of each (row, col) pair, G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1].
// The push constants describe the convolution being run: rows are its output channels, cols its input channels.
// FLIPPED runs the input gradient of a convolution with weights [cols][rows][3][3]: g is weight[col][row] turned by
// 180 degrees (the input gradient of a stride-1 convolution is the convolution of grad_y with mirrored,
// channel-swapped weights).
#extension GL_EXT_control_flow_attributes : require
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool FLIPPED = false;

layout(std430, binding = 0) readonly buffer Weights { float weight[]; };
layout(std430, binding = 1) writeonly buffer Transformed { float u[]; };

void main() {
    const uint rows = p.out_channels, cols = p.channels, pairs = rows * cols;
    const uint pair = gl_GlobalInvocationID.x;
    if (pair >= pairs) return;
    const uint row = pair / cols, col = pair % cols;
    const uint source = 9 * (FLIPPED ? col * rows + row : pair);
    float g[9];
    [[unroll]] for (uint t = 0; t < 9; t++) g[t] = weight[source + (FLIPPED ? 8 - t : t)];
    // G g: 4 rows of 3.
    float gg[12];
    [[unroll]] for (uint c = 0; c < 3; c++) {
        const float a = g[c], b = g[3 + c], d = g[6 + c];
        gg[c] = a;
        gg[3 + c] = 0.5 * (a + b + d);
        gg[6 + c] = 0.5 * (a - b + d);
        gg[9 + c] = d;
    }
    // (G g) G^T: 4 x 4.
    [[unroll]] for (uint i = 0; i < 4; i++) {
        const float a = gg[3 * i], b = gg[3 * i + 1], d = gg[3 * i + 2];
        u[(4 * i + 0) * pairs + pair] = a;
        u[(4 * i + 1) * pairs + pair] = 0.5 * (a + b + d);
        u[(4 * i + 2) * pairs + pair] = 0.5 * (a - b + d);
        u[(4 * i + 3) * pairs + pair] = d;
    }
}
