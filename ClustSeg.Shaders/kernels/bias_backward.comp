#version 450
// Bias gradient: viewing the upstream gradient as [outer, channels, inner], grad_bias[ch] (+)= sum over outer and
// inner. Matmul passes [rows, N, 1]; conv2d passes [batch, out_channels, height*width]. One workgroup per channel,
// reduced in shared memory.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool ACCUMULATE = false;

layout(std430, binding = 0) readonly buffer InGrad { float grad[]; };
layout(std430, binding = 1) buffer OutBias { float grad_bias[]; };

layout(push_constant) uniform Params {
    uint outer;
    uint channels;
    uint inner;
} p;

shared float partial[gl_WorkGroupSize.x];

void main() {
    const uint ch = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
    const uint tid = gl_LocalInvocationID.x;
    const uint threads = gl_WorkGroupSize.x;
    float sum = 0.0;
    if (ch < p.channels) {
        const uint count = p.outer * p.inner;
        for (uint e = tid; e < count; e += threads) {
            const uint o = e / p.inner, i = e % p.inner;
            sum += grad[(o * p.channels + ch) * p.inner + i];
        }
    }
    partial[tid] = sum;
    barrier();
    for (uint half_size = threads / 2; half_size > 0; half_size /= 2) {
        if (tid < half_size) partial[tid] += partial[tid + half_size];
        barrier();
    }
    if (tid == 0 && ch < p.channels) grad_bias[ch] = ACCUMULATE ? grad_bias[ch] + partial[0] : partial[0];
}
