#version 450
// Superpixel M-step: c[b, :, k] = sum_n A_kn f_n / (sum_n A_kn + eps), gathered (no atomics) by one invocation per
// cell over the pixels of the 3x3 cells around it; within one neighbouring cell every pixel sees k through the same
// slot, so the loops carry no per-pixel index arithmetic. Also writes the mass sum_n A_kn, which backward needs.
#include "common.glsl"
#include "superpixel_grid.glsl"
// Feature channels, fixed per pipeline so the channel loops unroll and per-channel values stay in registers.
layout(constant_id = 0) const int CHANNELS = 5;
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer Features { float f[]; };  // [B, C, N]
layout(std430, binding = 1) readonly buffer Assign { float a[]; };    // [B, 9, N]
layout(std430, binding = 2) writeonly buffer Centres { float cen[]; };// [B, C, K]
layout(std430, binding = 3) writeonly buffer Mass { float mass[]; };  // [B, K]
layout(push_constant) uniform Params { int B; int H; int W; int gh; int gw; float eps; } p;

void main() {
    int N = p.H * p.W, K = p.gh * p.gw;
    int idx = int(linear_index());
    if (idx >= p.B * K) return;
    int k = idx % K, b = idx / K;
    int r = k / p.gw, q = k % p.gw;
    float sum[CHANNELS];
    for (int c = 0; c < CHANNELS; c++) sum[c] = 0.0;
    float m = 0.0;
    for (int hr = max(r - 1, 0); hr <= min(r + 1, p.gh - 1); hr++) {
        int y0 = first_row_of_cell(hr, p.H, p.gh), y1 = first_row_of_cell(hr + 1, p.H, p.gh);
        for (int hc = max(q - 1, 0); hc <= min(q + 1, p.gw - 1); hc++) {
            int x0 = first_row_of_cell(hc, p.W, p.gw), x1 = first_row_of_cell(hc + 1, p.W, p.gw);
            int plane = (b * 9 + cell_slot(r, q, hr, hc)) * N;
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    int n = y * p.W + x;
                    float w = a[plane + n];
                    m += w;
                    for (int c = 0; c < CHANNELS; c++) sum[c] += w * f[(b * CHANNELS + c) * N + n];
                }
            }
        }
    }
    float inv = 1.0 / (m + p.eps);
    for (int c = 0; c < CHANNELS; c++) cen[(b * CHANNELS + c) * K + k] = sum[c] * inv;
    mass[b * K + k] = m;
}
