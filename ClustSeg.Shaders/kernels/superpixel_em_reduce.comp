#version 450
// Second half of the fused superpixel EM step (inference, forward only): the centre of cell k is the sum of the
// partial M-step sums that superpixel_em_step.comp wrote for it, from every lane of each of the (up to) 9 home cells
// whose pixels see k, divided by the summed mass: c_k = sum_n A_kn f_n / (sum_n A_kn + eps), as superpixel_centres.comp.
#include "common.glsl"
#include "superpixel_grid.glsl"
#extension GL_EXT_control_flow_attributes : require
layout(constant_id = 0) const int CHANNELS = 5;
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer Partials { float part[]; };  // [B, K, lanes, 9, C + 1]
layout(std430, binding = 1) writeonly buffer Centres { float cen[]; };   // [B, C, K]
layout(std430, binding = 2) writeonly buffer Mass { float mass[]; };     // [B, K]
layout(push_constant) uniform Params { int B; int gh; int gw; int lanes; float eps; } p;

const int STRIDE = CHANNELS + 1;

void main() {
    int K = p.gh * p.gw;
    int idx = int(linear_index());
    if (idx >= p.B * K) return;
    int k = idx % K, b = idx / K;
    int r = k / p.gw, q = k % p.gw;
    float sum[STRIDE];
    [[unroll]] for (int c = 0; c < STRIDE; c++) sum[c] = 0.0;
    for (int hr = max(r - 1, 0); hr <= min(r + 1, p.gh - 1); hr++) {
        for (int hc = max(q - 1, 0); hc <= min(q + 1, p.gw - 1); hc++) {
            int base = (b * K + hr * p.gw + hc) * p.lanes * 9 * STRIDE + cell_slot(r, q, hr, hc) * STRIDE;
            for (int lane = 0; lane < p.lanes; lane++)
                [[unroll]] for (int c = 0; c < STRIDE; c++) sum[c] += part[base + lane * 9 * STRIDE + c];
        }
    }
    float inv = 1.0 / (sum[0] + p.eps);
    [[unroll]] for (int c = 0; c < CHANNELS; c++) cen[(b * CHANNELS + c) * K + k] = sum[c + 1] * inv;
    mass[b * K + k] = sum[0];
}
