#version 450
// Backward of superpixel_assign. MODE 0, one invocation per pixel: dz = A * (dA - sum(A dA)) into `dz`, and
// dF[c, n] (+)= sum_j dz_j * -2 (f - c_k). MODE 1, one invocation per (cell, channel): dC[c, k] (+)= sum over the
// pixels that see k of dz * 2 (f - c_k), gathered (no atomics).
#include "common.glsl"
#include "superpixel_grid.glsl"
layout(local_size_x = 64) in;
layout(constant_id = 0) const int MODE = 0;
layout(std430, binding = 0) readonly buffer Features { float f[]; };   // [B, C, N]
layout(std430, binding = 1) readonly buffer Centres { float cen[]; };  // [B, C, K]
layout(std430, binding = 2) readonly buffer Assign { float a[]; };     // [B, 9, N]
layout(std430, binding = 3) readonly buffer GradAssign { float da[]; };// [B, 9, N]
layout(std430, binding = 4) buffer LogitGrad { float dz[]; };          // [B, 9, N], written in MODE 0, read in MODE 1
layout(std430, binding = 5) buffer Grad { float g[]; };                // MODE 0: dF [B, C, N]; MODE 1: dC [B, C, K]
layout(push_constant) uniform Params { int B; int C; int H; int W; int gh; int gw; int accumulate; } p;

void pixel_pass(int idx) {
    int N = p.H * p.W, K = p.gh * p.gw;
    if (idx >= p.B * N) return;
    int b = idx / N, n = idx % N;
    int hr = home_cell(n / p.W, p.H, p.gh), hc = home_cell(n % p.W, p.W, p.gw);
    float dot = 0.0;
    for (int j = 0; j < 9; j++) dot += a[(b * 9 + j) * N + n] * da[(b * 9 + j) * N + n];
    float local_dz[9];
    for (int j = 0; j < 9; j++) {
        float aj = a[(b * 9 + j) * N + n];
        local_dz[j] = aj * (da[(b * 9 + j) * N + n] - dot);
        dz[(b * 9 + j) * N + n] = local_dz[j];
    }
    for (int c = 0; c < p.C; c++) {
        float fv = f[(b * p.C + c) * N + n];
        float acc = 0.0;
        for (int j = 0; j < 9; j++) {
            int k = slot_cell(j, hr, hc, p.gh, p.gw);
            if (k >= 0) acc += local_dz[j] * -2.0 * (fv - cen[(b * p.C + c) * K + k]);
        }
        int o = (b * p.C + c) * N + n;
        g[o] = (p.accumulate != 0 ? g[o] : 0.0) + acc;
    }
}

void cell_pass(int idx) {
    int N = p.H * p.W, K = p.gh * p.gw;
    if (idx >= p.B * p.C * K) return;
    int k = idx % K, c = (idx / K) % p.C, b = idx / (K * p.C);
    int r = k / p.gw, q = k % p.gw;
    float ck = cen[(b * p.C + c) * K + k];
    float acc = 0.0;
    int y0 = first_row_of_cell(max(r - 1, 0), p.H, p.gh), y1 = first_row_of_cell(min(r + 2, p.gh), p.H, p.gh);
    int x0 = first_row_of_cell(max(q - 1, 0), p.W, p.gw), x1 = first_row_of_cell(min(q + 2, p.gw), p.W, p.gw);
    for (int y = y0; y < y1; y++) {
        int hr = home_cell(y, p.H, p.gh);
        for (int x = x0; x < x1; x++) {
            int n = y * p.W + x;
            int j = cell_slot(r, q, hr, home_cell(x, p.W, p.gw));
            acc += dz[(b * 9 + j) * N + n] * 2.0 * (f[(b * p.C + c) * N + n] - ck);
        }
    }
    int o = (b * p.C + c) * K + k;
    g[o] = (p.accumulate != 0 ? g[o] : 0.0) + acc;
}

void main() {
    int idx = int(linear_index());
    if (MODE == 0) pixel_pass(idx); else cell_pass(idx);
}
