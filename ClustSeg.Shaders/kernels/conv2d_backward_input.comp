#version 450
// conv2d input gradient as an implicit GEMM per (image, group): rows are input channels, columns are input pixels,
// the reduction runs over (output channel, kh, kw). An input pixel receives from output pixel (oh, ow) through tap
// (kh, kw) when ih + pad - kh * dilation = oh * stride exactly. Blocked like conv2d.comp.
// Columns are ordered phase-major: the workgroups of phase (rh, rw) take the input pixels ih = rh + a * stride_h,
// iw = rw + b * stride_w (a < ceil(H / stride_h), b < ceil(W / stride_w)), so whether a tap's stride condition holds is
// the same for the whole workgroup and the taps that cannot hit (3 in 4 at stride 2) are skipped without a load.
// At stride 1 this is the plain row-major order. The host dispatches stride_h * stride_w * groups_per_phase groups.
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

    const uint phase_h = (p.height + p.stride_h - 1) / p.stride_h, phase_w = (p.width + p.stride_w - 1) / p.stride_w;
    const uint phase_plane = phase_h * phase_w;
    const uint groups_per_phase = (phase_plane + lanes * TN - 1) / (lanes * TN);
    const uint phase = gl_WorkGroupID.x / groups_per_phase;
    const uint rh = phase / p.stride_w, rw = phase % p.stride_w;
    const uint first = (gl_WorkGroupID.x % groups_per_phase) * lanes * TN;

    uint pix[TN];    // input pixel, or plane when the column is past this phase's pixels or the image
    int th0[TN], tw0[TN];
    for (uint j = 0; j < TN; j++) {
        const uint within = first + j * lanes + lane;
        const uint ih = rh + (within / phase_w) * p.stride_h, iw = rw + (within % phase_w) * p.stride_w;
        const bool inside = within < phase_plane && ih < p.height && iw < p.width;
        pix[j] = inside ? ih * p.width + iw : plane;
        th0[j] = int(inside ? ih : rh) + int(p.pad_h);
        tw0[j] = int(inside ? iw : rw) + int(p.pad_w);
    }
    uint w_at[TM];
    for (uint i = 0; i < TM; i++) w_at[i] = (g * og * cg + min(c0 + i, cg - 1)) * taps;
    const uint gy_base = (image * p.out_channels + g * og) * out_plane;

    float acc[TM][TN];
    for (uint i = 0; i < TM; i++)
        for (uint j = 0; j < TN; j++) acc[i][j] = 0.0;

    for (uint kh = 0; kh < p.kernel_h; kh++)
    for (uint kw = 0; kw < p.kernel_w; kw++) {
        // Uniform: every column of this workgroup has the same (ih + pad) mod stride.
        if ((rh + p.pad_h + p.stride_h * p.kernel_h * p.dilation_h - kh * p.dilation_h) % p.stride_h != 0 ||
            (rw + p.pad_w + p.stride_w * p.kernel_w * p.dilation_w - kw * p.dilation_w) % p.stride_w != 0) continue;
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
