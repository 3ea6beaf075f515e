#version 450
// Hard superpixel assignment (inference): each pixel takes the cell of its largest soft assignment.
#include "common.glsl"
#include "superpixel_grid.glsl"
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer Assign { float a[]; };  // [B, 9, N]
layout(std430, binding = 1) writeonly buffer Labels { int labels[]; }; // [B, N]
layout(push_constant) uniform Params { int B; int H; int W; int gh; int gw; } p;

void main() {
    int N = p.H * p.W;
    int idx = int(linear_index());
    if (idx >= p.B * N) return;
    int b = idx / N, n = idx % N;
    int hr = home_cell(n / p.W, p.H, p.gh), hc = home_cell(n % p.W, p.W, p.gw);
    int best_j = 4;
    float best = -1.0;
    for (int j = 0; j < 9; j++) {
        float v = a[(b * 9 + j) * N + n];
        if (slot_cell(j, hr, hc, p.gh, p.gw) >= 0 && v > best) { best = v; best_j = j; }
    }
    labels[b * N + n] = slot_cell(best_j, hr, hc, p.gh, p.gw);
}
