#version 450
// Backward of superpixel_assign. MODE 0, one invocation per pixel: dz = A * (dA - sum(A dA)) into `dz`, and
// dF[c, n] (+)= sum_j dz_j * -2 (f - c_k). MODE 1, one invocation per cell: dC[:, k] (+)= sum over the pixels that see k
// of dz * 2 (f - c_k), gathered (no atomics), neighbouring cell by neighbouring cell as in superpixel_centres.
#include "common.glsl"
#include "superpixel_grid.glsl"
// Feature channels, fixed per pipeline so the channel loops unroll and per-channel values stay in registers.
layout(constant_id = 0) const int CHANNELS = 5;
layout(local_size_x_id = 2, local_size_y_id = 3) in;
layout(constant_id = 1) const int MODE = 0;
layout(std430, binding = 0) readonly buffer Features { float f[]; };   // [B, C, N]
layout(std430, binding = 1) readonly buffer Centres { float cen[]; };  // [B, C, K]
layout(std430, binding = 2) readonly buffer Assign { float a[]; };     // [B, 9, N]
layout(std430, binding = 3) readonly buffer GradAssign { float da[]; };// [B, 9, N]
layout(std430, binding = 4) buffer LogitGrad { float dz[]; };          // [B, 9, N], written in MODE 0, read in MODE 1
layout(std430, binding = 5) buffer Grad { float g[]; };                // MODE 0: dF [B, C, N]; MODE 1: dC [B, C, K]
layout(push_constant) uniform Params { int B; int H; int W; int gh; int gw; int accumulate; } p;

void pixel_pass() {
    int N = p.H * p.W, K = p.gh * p.gw;
    int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y), b = int(gl_GlobalInvocationID.z);
    if (x >= p.W || y >= p.H) return;
    int n = y * p.W + x;
    int hr = home_cell(y, p.H, p.gh), hc = home_cell(x, p.W, p.gw);
    float dot = 0.0;
    for (int j = 0; j < 9; j++) dot += a[(b * 9 + j) * N + n] * da[(b * 9 + j) * N + n];
    float local_dz[9];
    for (int j = 0; j < 9; j++) {
        float aj = a[(b * 9 + j) * N + n];
        local_dz[j] = aj * (da[(b * 9 + j) * N + n] - dot);
        dz[(b * 9 + j) * N + n] = local_dz[j];
    }
    for (int c = 0; c < CHANNELS; c++) {
        float fv = f[(b * CHANNELS + c) * N + n];
        float acc = 0.0;
        for (int j = 0; j < 9; j++) {
            int k = slot_cell(j, hr, hc, p.gh, p.gw);
            if (k >= 0) acc += local_dz[j] * -2.0 * (fv - cen[(b * CHANNELS + c) * K + k]);
        }
        int o = (b * CHANNELS + c) * N + n;
        g[o] = (p.accumulate != 0 ? g[o] : 0.0) + acc;
    }
}

void cell_pass(int idx) {
    int N = p.H * p.W, K = p.gh * p.gw;
    if (idx >= p.B * K) return;
    int k = idx % K, b = idx / K;
    int r = k / p.gw, q = k % p.gw;
    float acc[CHANNELS];
    float ck[CHANNELS];
    for (int c = 0; c < CHANNELS; c++) { acc[c] = 0.0; ck[c] = cen[(b * CHANNELS + c) * K + k]; }
    for (int hr = max(r - 1, 0); hr <= min(r + 1, p.gh - 1); hr++) {
        int y0 = first_row_of_cell(hr, p.H, p.gh), y1 = first_row_of_cell(hr + 1, p.H, p.gh);
        for (int hc = max(q - 1, 0); hc <= min(q + 1, p.gw - 1); hc++) {
            int x0 = first_row_of_cell(hc, p.W, p.gw), x1 = first_row_of_cell(hc + 1, p.W, p.gw);
            int plane = (b * 9 + cell_slot(r, q, hr, hc)) * N;
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    int n = y * p.W + x;
                    float g = 2.0 * dz[plane + n];
                    for (int c = 0; c < CHANNELS; c++) acc[c] += g * (f[(b * CHANNELS + c) * N + n] - ck[c]);
                }
            }
        }
    }
    for (int c = 0; c < CHANNELS; c++) {
        int o = (b * CHANNELS + c) * K + k;
        g[o] = (p.accumulate != 0 ? g[o] : 0.0) + acc[c];
    }
}

void main() {
    if (MODE == 0) pixel_pass(); else cell_pass(int(linear_index()));
}
