#version 450
// Superpixel E-step (SSN): each pixel distributes one unit of mass over the 3x3 grid cells around its own,
// A[b, j, n] = softmax_j(-||f_n - c_k(j)||^2) over valid slots; invalid slots get 0.
#include "common.glsl"
#include "superpixel_grid.glsl"
#extension GL_EXT_control_flow_attributes : require
// Feature channels, fixed per pipeline so the channel loops unroll and per-channel values stay in registers.
layout(constant_id = 0) const int CHANNELS = 5;
layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) readonly buffer Features { float f[]; };   // [B, C, H*W]
layout(std430, binding = 1) readonly buffer Centres { float cen[]; };  // [B, C, gh*gw]
layout(std430, binding = 2) writeonly buffer Assign { float a[]; };    // [B, 9, H*W]
layout(push_constant) uniform Params { int B; int H; int W; int gh; int gw; } p;

void main() {
    int N = p.H * p.W;
    int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y), b = int(gl_GlobalInvocationID.z);
    if (x >= p.W || y >= p.H) return;
    int n = y * p.W + x;
    int hr = home_cell(y, p.H, p.gh), hc = home_cell(x, p.W, p.gw);
    int K = p.gh * p.gw;
    float fv[CHANNELS];
    [[unroll]] for (int c = 0; c < CHANNELS; c++) fv[c] = f[(b * CHANNELS + c) * N + n];
    float logits[9];
    float best = -3.4e38;
    [[unroll]] for (int j = 0; j < 9; j++) {
        int k = slot_cell(j, hr, hc, p.gh, p.gw);
        if (k < 0) { logits[j] = -3.4e38; continue; }
        float d = 0.0;
        for (int c = 0; c < CHANNELS; c++) {
            float diff = fv[c] - cen[(b * CHANNELS + c) * K + k];
            d += diff * diff;
        }
        logits[j] = -d;
        best = max(best, -d);
    }
    float total = 0.0;
    for (int j = 0; j < 9; j++) {
        float e = logits[j] <= -3.0e38 ? 0.0 : exp(logits[j] - best);
        logits[j] = e;
        total += e;
    }
    for (int j = 0; j < 9; j++) a[(b * 9 + j) * N + n] = logits[j] / total;
}
