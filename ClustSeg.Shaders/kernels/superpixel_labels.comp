#version 450
// Hard superpixel assignment (inference): each pixel takes the cell of its largest soft assignment.
#include "common.glsl"
#include "superpixel_grid.glsl"
layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) readonly buffer Assign { float a[]; };  // [B, 9, N]
layout(std430, binding = 1) writeonly buffer Labels { int labels[]; }; // [B, N]
layout(push_constant) uniform Params { int B; int H; int W; int gh; int gw; } p;

void main() {
    int N = p.H * p.W;
    int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y), b = int(gl_GlobalInvocationID.z);
    if (x >= p.W || y >= p.H) return;
    int n = y * p.W + x;
    int hr = home_cell(y, p.H, p.gh), hc = home_cell(x, p.W, p.gw);
    int best_j = 4;
    float best = -1.0;
    for (int j = 0; j < 9; j++) {
        float v = a[(b * 9 + j) * N + n];
        if (slot_cell(j, hr, hc, p.gh, p.gw) >= 0 && v > best) { best = v; best_j = j; }
    }
    labels[b * N + n] = slot_cell(best_j, hr, hc, p.gh, p.gw);
}
