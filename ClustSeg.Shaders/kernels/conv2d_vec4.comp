#version 450
// conv2d forward for CPU implementations (lavapipe) when every load can be a 16-byte vec4: input width a multiple of 4,
// horizontal stride 1, every horizontal tap offset kw * dilation_w - pad_w within [-4, 4], and output channels per
// group a multiple of 4. Each lane computes 4 neighbouring output pixels of one row for TM = 8 output channels; per
// (input channel, kh) it loads the three aligned vec4 of the input row around its pixels (12 columns) and takes every
// horizontal tap as a shifted window of them. Weights come pre-packed (conv2d_pack_weights.comp) as
// [group, in_channel, kh, kw, out_channel], so the 8 channels of one tap are two uniform vec4 loads.
// See matmul_blocked_vec4.comp for why llvmpipe rewards few, wide loads.
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint KW = 3;
layout(constant_id = 2) const int PAD_W = 1;
layout(constant_id = 3) const int DILATION_W = 1;
layout(constant_id = 4) const bool HAS_BIAS = false;
layout(constant_id = 5) const bool ACCUMULATE = false;

const uint TM = 8;

layout(std430, binding = 0) readonly buffer InX { vec4 x4[]; };
layout(std430, binding = 1) readonly buffer InW { vec4 w4[]; };
layout(std430, binding = 2) readonly buffer InBias { float bias[]; };
layout(std430, binding = 3) buffer OutY { float y[]; };

void main() {
    const uint lanes = gl_WorkGroupSize.x;
    const uint cg = p.channels / p.groups, og = p.out_channels / p.groups;
    const uint image = gl_WorkGroupID.z / p.groups, g = gl_WorkGroupID.z % p.groups;
    const uint o0 = (gl_WorkGroupID.y + p.row_group_base) * TM;
    const uint quads_per_row = (p.out_width + 3) / 4;
    const uint quad = min(gl_WorkGroupID.x * lanes + gl_LocalInvocationID.x, p.out_height * quads_per_row - 1);
    const uint oh = quad / quads_per_row, ow0 = (quad % quads_per_row) * 4;
    const uint row4 = p.width / 4;
    // The three vec4 around the lane's pixels start at input columns ow0 - 4, ow0, ow0 + 4; each lies wholly inside or
    // wholly outside the row because the width is a multiple of 4.
    const int q0 = int(ow0 / 4) - 1;
    bool col_in[3];
    uint col_at[3];
    for (int t = 0; t < 3; t++) {
        col_in[t] = q0 + t >= 0 && q0 + t < int(row4);
        col_at[t] = uint(clamp(q0 + t, 0, int(row4) - 1));
    }
    const uint og4 = og / 4, last4 = og4 - 1;
    const uint w_lo = min(o0 / 4, last4), w_hi = min(o0 / 4 + 1, last4);

    vec4 acc[TM]; // acc[i][j]: channel o0 + i, pixel ow0 + j
    for (uint i = 0; i < TM; i++) acc[i] = vec4(0.0);

    for (uint c = 0; c < cg; c++) {
        const uint plane_at = (image * p.channels + g * cg + c) * p.height;
        for (uint kh = 0; kh < p.kernel_h; kh++) {
            const int ih = int(oh * p.stride_h + kh * p.dilation_h) - int(p.pad_h);
            const bool row_in = ih >= 0 && ih < int(p.height);
            const uint row_at = (plane_at + uint(clamp(ih, 0, int(p.height) - 1))) * row4;
            float win[12];
            for (uint t = 0; t < 3; t++) {
                // Windows no tap reaches are never loaded (decided at specialisation: 1x1 kernels load one vec4).
                if (4 - PAD_W > 4 * int(t) + 3 || 4 + int(KW - 1) * DILATION_W - PAD_W + 3 < 4 * int(t)) {
                    for (uint e = 0; e < 4; e++) win[4 * t + e] = 0.0;
                    continue;
                }
                const vec4 v = x4[row_at + col_at[t]];
                const bool use = row_in && col_in[t];
                for (uint e = 0; e < 4; e++) win[4 * t + e] = use ? v[e] : 0.0;
            }
            const uint tap_at = ((g * cg + c) * p.kernel_h + kh) * KW;
            for (uint kw = 0; kw < KW; kw++) {
                const int s = 4 + int(kw) * DILATION_W - PAD_W;
                const vec4 px = vec4(win[s], win[s + 1], win[s + 2], win[s + 3]);
                const vec4 lo = w4[(tap_at + kw) * og4 + w_lo];
                const vec4 hi = w4[(tap_at + kw) * og4 + w_hi];
                for (uint i = 0; i < 4; i++) {
                    acc[i] = fma(vec4(lo[i]), px, acc[i]);
                    acc[i + 4] = fma(vec4(hi[i]), px, acc[i + 4]);
                }
            }
        }
    }

    if (gl_WorkGroupID.x * lanes + gl_LocalInvocationID.x >= p.out_height * quads_per_row) return;
    for (uint i = 0; i < TM; i++) {
        const uint o = o0 + i;
        if (o >= og) break;
        const uint at = ((image * p.out_channels + g * og + o) * p.out_height + oh) * p.out_width + ow0;
        const float b = HAS_BIAS ? bias[g * og + o] : 0.0;
        for (uint j = 0; j < 4; j++) {
            if (ow0 + j >= p.out_width) break;
            y[at + j] = ACCUMULATE ? y[at + j] + acc[i][j] + b : acc[i][j] + b;
        }
    }
}
