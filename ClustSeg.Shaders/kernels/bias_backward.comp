#version 450
// Bias gradient: viewing the upstream gradient as [outer, channels, inner], grad_bias[ch] (+)= sum over outer and
// inner. Matmul passes [rows, N, 1]; conv2d passes [batch, out_channels, height*width]. With inner > 1 one workgroup
// per channel sums its planes (lanes along each plane, no per-element division: llvmpipe scalarises integer division),
// reduced in shared memory. ROWS (inner = 1) gives each lane one channel and loops over the rows, so the loads of a
// workgroup are contiguous instead of a gather with a stride of the channel count.
#include "common.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool ACCUMULATE = false;
layout(constant_id = 2) const bool ROWS = false;

layout(std430, binding = 0) readonly buffer InGrad { float grad[]; };
layout(std430, binding = 1) buffer OutBias { float grad_bias[]; };

layout(push_constant) uniform Params {
    uint outer;
    uint channels;
    uint inner;
} p;

shared float partial[gl_WorkGroupSize.x];

void main() {
    const uint tid = gl_LocalInvocationID.x;
    const uint threads = gl_WorkGroupSize.x;
    if (ROWS) {
        const uint column = (gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x) * threads + tid;
        if (column >= p.channels) return;
        float total = 0.0;
        for (uint row = 0; row < p.outer; row++) total += grad[row * p.channels + column];
        grad_bias[column] = ACCUMULATE ? grad_bias[column] + total : total;
        return;
    }
    const uint ch = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
    float sum = 0.0;
    if (ch < p.channels) {
        for (uint o = 0; o < p.outer; o++) {
            const uint base = (o * p.channels + ch) * p.inner;
            for (uint i = tid; i < p.inner; i += threads) sum += grad[base + i];
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
