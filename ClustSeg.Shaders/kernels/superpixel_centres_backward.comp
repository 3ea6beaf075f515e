#version 450
// Backward of superpixel_centres, one invocation per pixel, gathering over its 9 cells:
// with s = 1/(m_k + eps): dA_j = s * (dC_k . f_n) - s * (dC_k . c_k), and dF[:, n] (+)= sum_j A_j s dC_k.
#include "common.glsl"
#include "superpixel_grid.glsl"
// Feature channels, fixed per pipeline so the channel loops unroll and per-channel values stay in registers.
layout(constant_id = 0) const int CHANNELS = 5;
layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) readonly buffer Features { float f[]; };   // [B, C, N]
layout(std430, binding = 1) readonly buffer Assign { float a[]; };     // [B, 9, N]
layout(std430, binding = 2) readonly buffer Centres { float cen[]; };  // [B, C, K]
layout(std430, binding = 3) readonly buffer Mass { float mass[]; };    // [B, K]
layout(std430, binding = 4) readonly buffer GradCentres { float dc[]; };// [B, C, K]
layout(std430, binding = 5) writeonly buffer GradAssign { float da[]; };// [B, 9, N]
layout(std430, binding = 6) buffer GradFeatures { float df[]; };       // [B, C, N]
layout(push_constant) uniform Params { int B; int H; int W; int gh; int gw; float eps; int accumulate; } p;

void main() {
    int N = p.H * p.W, K = p.gh * p.gw;
    int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y), b = int(gl_GlobalInvocationID.z);
    if (x >= p.W || y >= p.H) return;
    int n = y * p.W + x;
    int hr = home_cell(y, p.H, p.gh), hc = home_cell(x, p.W, p.gw);
    float grad_a[9];
    float scale[9];
    int cells[9];
    for (int j = 0; j < 9; j++) {
        cells[j] = slot_cell(j, hr, hc, p.gh, p.gw);
        grad_a[j] = 0.0;
        scale[j] = cells[j] < 0 ? 0.0 : 1.0 / (mass[b * K + cells[j]] + p.eps);
    }
    for (int c = 0; c < CHANNELS; c++) {
        float fv = f[(b * CHANNELS + c) * N + n];
        float acc = 0.0;
        for (int j = 0; j < 9; j++) {
            int k = cells[j];
            if (k < 0) continue;
            float g = dc[(b * CHANNELS + c) * K + k] * scale[j];
            grad_a[j] += g * (fv - cen[(b * CHANNELS + c) * K + k]);
            acc += a[(b * 9 + j) * N + n] * g;
        }
        int o = (b * CHANNELS + c) * N + n;
        df[o] = (p.accumulate != 0 ? df[o] : 0.0) + acc;
    }
    for (int j = 0; j < 9; j++) da[(b * 9 + j) * N + n] = grad_a[j];
}
