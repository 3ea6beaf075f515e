#version 450
// Superpixel M-step: c[b, :, k] = sum_n A_kn f_n / (sum_n A_kn + eps), gathered over the pixels whose 3x3
// neighbourhood contains k (no atomics). Also writes the mass sum_n A_kn, which backward needs.
#include "common.glsl"
#include "superpixel_grid.glsl"
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer Features { float f[]; };  // [B, C, N]
layout(std430, binding = 1) readonly buffer Assign { float a[]; };    // [B, 9, N]
layout(std430, binding = 2) writeonly buffer Centres { float cen[]; };// [B, C, K]
layout(std430, binding = 3) writeonly buffer Mass { float mass[]; };  // [B, K]
layout(push_constant) uniform Params { int B; int C; int H; int W; int gh; int gw; float eps; } p;

void main() {
    int N = p.H * p.W, K = p.gh * p.gw;
    int idx = int(linear_index());
    if (idx >= p.B * p.C * K) return;
    int k = idx % K, c = (idx / K) % p.C, b = idx / (K * p.C);
    int r = k / p.gw, q = k % p.gw;
    float sum = 0.0, m = 0.0;
    int y0 = first_row_of_cell(max(r - 1, 0), p.H, p.gh), y1 = first_row_of_cell(min(r + 2, p.gh), p.H, p.gh);
    int x0 = first_row_of_cell(max(q - 1, 0), p.W, p.gw), x1 = first_row_of_cell(min(q + 2, p.gw), p.W, p.gw);
    for (int y = y0; y < y1; y++) {
        int hr = home_cell(y, p.H, p.gh);
        for (int x = x0; x < x1; x++) {
            int n = y * p.W + x;
            float w = a[(b * 9 + cell_slot(r, q, hr, home_cell(x, p.W, p.gw))) * N + n];
            sum += w * f[(b * p.C + c) * N + n];
            m += w;
        }
    }
    cen[(b * p.C + c) * K + k] = sum / (m + p.eps);
    if (c == 0) mass[b * K + k] = m;
}
