#version 450
// LayerNorm backward, input gradient: one workgroup per row. With xhat = (x - mean) * rstd, g = dy * weight:
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), means along the row.
#include "common.glsl"
layout(local_size_x_id = 0) in;
#include "reduce.glsl"

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Dy { float dy[]; };
layout(std430, binding = 2) readonly buffer Weight { float weight[]; };
layout(std430, binding = 3) readonly buffer Mean { float mean_in[]; };
layout(std430, binding = 4) readonly buffer Rstd { float rstd_in[]; };
layout(std430, binding = 5) writeonly buffer Dx { float dx[]; };
layout(push_constant) uniform Params {
    uint rows;
    uint width;
} p;

void main() {
    uint row = workgroup_index();
    if (row >= p.rows) return;
    uint t = gl_LocalInvocationID.x;
    uint base = row * p.width;
    float mean = mean_in[row];
    float rstd = rstd_in[row];

    vec2 sums = vec2(0.0); // (sum g, sum g * xhat)
    for (uint i = t; i < p.width; i += gl_WorkGroupSize.x) {
        float g = dy[base + i] * weight[i];
        sums += vec2(g, g * (x[base + i] - mean) * rstd);
    }
    sums = workgroup_sum2(sums) / float(p.width);

    for (uint i = t; i < p.width; i += gl_WorkGroupSize.x) {
        float g = dy[base + i] * weight[i];
        float xhat = (x[base + i] - mean) * rstd;
        dx[base + i] = rstd * (g - sums.x - xhat * sums.y);
    }
}
