#version 450
// LayerNorm forward over the last dimension: one workgroup per row, reads coalesced along the row.
// Mean and 1/std per row are saved for the backward pass.
#include "common.glsl"
layout(local_size_x_id = 0) in;
#include "reduce.glsl"

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Weight { float weight[]; };
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) writeonly buffer Y { float y[]; };
layout(std430, binding = 4) writeonly buffer Mean { float mean_out[]; };
layout(std430, binding = 5) writeonly buffer Rstd { float rstd_out[]; };
layout(push_constant) uniform Params {
    uint rows;
    uint width;
    float eps;
} p;

void main() {
    uint row = workgroup_index();
    if (row >= p.rows) return;
    uint t = gl_LocalInvocationID.x;
    uint base = row * p.width;

    // Shifted moments: one read gives both, without the cancellation of a plain sum of squares.
    float shift = p.width > 0 ? x[base] : 0.0;
    vec2 moments = vec2(0.0);
    for (uint i = t; i < p.width; i += gl_WorkGroupSize.x) {
        float d = x[base + i] - shift;
        moments += vec2(d, d * d);
    }
    moments = workgroup_sum2(moments) / float(p.width);
    float mean = shift + moments.x;
    float rstd = inversesqrt(max(moments.y - moments.x * moments.x, 0.0) + p.eps);

    for (uint i = t; i < p.width; i += gl_WorkGroupSize.x)
        y[base + i] = (x[base + i] - mean) * rstd * weight[i] + bias[i];
    if (t == 0) {
        mean_out[row] = mean;
        rstd_out[row] = rstd;
    }
}
