#version 450
// conv2d input gradient as an implicit GEMM per (image, group): rows are input channels, columns are input pixels,
// the reduction runs over (output channel, kh, kw). An input pixel receives from output pixel (oh, ow) through tap
// (kh, kw) when ih + pad - kh * dilation = oh * stride exactly. Blocked like conv2d.comp.
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint TM = 8;  // input channels per workgroup
layout(constant_id = 2) const uint TN = 2;  // input pixels per lane
layout(constant_id = 3) const bool ACCUMULATE = false;

layout(std430, binding = 0) readonly buffer InGradY { float grad_y[]; };
layout(std430, binding = 1) readonly buffer InW { float weight[]; };
layout(std430, binding = 2) buffer OutGradX { float grad_x[]; };

void main() {
    const uint lanes = gl_WorkGroupSize.x;
    const uint lane = gl_LocalInvocationID.x;
    const uint cg = p.channels / p.groups, og = p.out_channels / p.groups;
    const uint image = gl_WorkGroupID.z / p.groups, g = gl_WorkGroupID.z % p.groups;
    const uint c0 = (gl_WorkGroupID.y + p.row_group_base) * TM;
    const uint plane = p.height * p.width, out_plane = p.out_height * p.out_width, taps = p.kernel_h * p.kernel_w;

    uint pix[TN];
    int th0[TN], tw0[TN];
    for (uint j = 0; j < TN; j++) {
        pix[j] = gl_WorkGroupID.x * lanes * TN + j * lanes + lane;
        const uint q = min(pix[j], plane - 1);
        th0[j] = int(q / p.width) + int(p.pad_h);
        tw0[j] = int(q % p.width) + int(p.pad_w);
    }
    uint w_at[TM];
    for (uint i = 0; i < TM; i++) w_at[i] = (g * og * cg + min(c0 + i, cg - 1)) * taps;
    const uint gy_base = (image * p.out_channels + g * og) * out_plane;

    float acc[TM][TN];
    for (uint i = 0; i < TM; i++)
        for (uint j = 0; j < TN; j++) acc[i][j] = 0.0;

    for (uint kh = 0; kh < p.kernel_h; kh++)
    for (uint kw = 0; kw < p.kernel_w; kw++) {
        uint offset[TN];
        bool hit[TN];
        for (uint j = 0; j < TN; j++) {
            const int th = th0[j] - int(kh * p.dilation_h), tw = tw0[j] - int(kw * p.dilation_w);
            const uint oh = uint(max(th, 0)) / p.stride_h, ow = uint(max(tw, 0)) / p.stride_w;
            hit[j] = th >= 0 && tw >= 0 && uint(th) % p.stride_h == 0 && uint(tw) % p.stride_w == 0 &&
                     oh < p.out_height && ow < p.out_width;
            offset[j] = gy_base + (hit[j] ? oh * p.out_width + ow : 0u);
        }
        const uint tap = kh * p.kernel_w + kw;
        for (uint o = 0; o < og; o++) {
            float gv[TN];
            for (uint j = 0; j < TN; j++) {
                const float v = grad_y[offset[j] + o * out_plane];
                gv[j] = hit[j] ? v : 0.0;
            }
            for (uint i = 0; i < TM; i++) {
                const float wv = weight[w_at[i] + o * cg * taps + tap];
                for (uint j = 0; j < TN; j++) acc[i][j] = fma(wv, gv[j], acc[i][j]);
            }
        }
    }

    for (uint i = 0; i < TM; i++) {
        const uint c = c0 + i;
        if (c >= cg) break;
        for (uint j = 0; j < TN; j++) {
            if (pix[j] >= plane) continue;
            const uint at = (image * p.channels + g * cg + c) * plane + pix[j];
            grad_x[at] = ACCUMULATE ? grad_x[at] + acc[i][j] : acc[i][j];
        }
    }
}
