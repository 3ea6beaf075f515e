#version 450
// conv2d forward as an implicit GEMM per (image, group): rows are output channels, columns are output pixels, and
// the reduction runs over (input channel, kh, kw) without materialising im2col. Blocked like matmul_blocked.comp:
// the lanes of a workgroup share TM output channels (weight loads are uniform) and each lane owns TN pixels (input
// loads differ per lane). Padding taps load a clamped address and select zero.
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint TM = 8;  // output channels per workgroup
layout(constant_id = 2) const uint TN = 2;  // output pixels per lane
layout(constant_id = 3) const bool HAS_BIAS = false;

layout(std430, binding = 0) readonly buffer InX { float x[]; };
layout(std430, binding = 1) readonly buffer InW { float weight[]; };
layout(std430, binding = 2) readonly buffer InBias { float bias[]; };
layout(std430, binding = 3) writeonly buffer OutY { float y[]; };

void main() {
    const uint lanes = gl_WorkGroupSize.x;
    const uint lane = gl_LocalInvocationID.x;
    const uint cg = p.channels / p.groups, og = p.out_channels / p.groups;
    const uint image = gl_WorkGroupID.z / p.groups, g = gl_WorkGroupID.z % p.groups;
    const uint o0 = (gl_WorkGroupID.y + p.row_group_base) * TM;
    const uint pixels = p.out_height * p.out_width, plane = p.height * p.width, taps = p.kernel_h * p.kernel_w;

    uint pix[TN];
    int ih0[TN], iw0[TN];
    for (uint j = 0; j < TN; j++) {
        pix[j] = gl_WorkGroupID.x * lanes * TN + j * lanes + lane;
        const uint q = min(pix[j], pixels - 1);
        ih0[j] = int((q / p.out_width) * p.stride_h) - int(p.pad_h);
        iw0[j] = int((q % p.out_width) * p.stride_w) - int(p.pad_w);
    }
    uint w_at[TM];
    for (uint i = 0; i < TM; i++) w_at[i] = (g * og + min(o0 + i, og - 1)) * cg * taps;
    const uint x_base = (image * p.channels + g * cg) * plane;

    float acc[TM][TN];
    for (uint i = 0; i < TM; i++)
        for (uint j = 0; j < TN; j++) acc[i][j] = 0.0;

    for (uint kh = 0; kh < p.kernel_h; kh++)
    for (uint kw = 0; kw < p.kernel_w; kw++) {
        uint offset[TN];
        bool inside[TN];
        for (uint j = 0; j < TN; j++) {
            const int ih = ih0[j] + int(kh * p.dilation_h), iw = iw0[j] + int(kw * p.dilation_w);
            inside[j] = ih >= 0 && ih < int(p.height) && iw >= 0 && iw < int(p.width);
            offset[j] = x_base + (inside[j] ? uint(ih) * p.width + uint(iw) : 0u);
        }
        const uint tap = kh * p.kernel_w + kw;
        for (uint c = 0; c < cg; c++) {
            float xv[TN];
            for (uint j = 0; j < TN; j++) {
                const float v = x[offset[j] + c * plane];
                xv[j] = inside[j] ? v : 0.0;
            }
            for (uint i = 0; i < TM; i++) {
                const float wv = weight[w_at[i] + c * taps + tap];
                for (uint j = 0; j < TN; j++) acc[i][j] = fma(wv, xv[j], acc[i][j]);
            }
        }
    }

    for (uint i = 0; i < TM; i++) {
        const uint o = o0 + i;
        if (o >= og) break;
        for (uint j = 0; j < TN; j++) {
            if (pix[j] >= pixels) continue;
            float v = acc[i][j];
            if (HAS_BIAS) v += bias[g * og + o];
            y[(image * p.out_channels + g * og + o) * pixels + pix[j]] = v;
        }
    }
}
