#version 450
// conv2d forward for CPU implementations (lavapipe) when every load can be a 16-byte vec4: input width a multiple of 4,
// horizontal stride 1 or 2, every horizontal tap offset kw * dilation_w - pad_w within [-4, 4], and output channels per
// group a multiple of 4. Each lane computes SEG x 4 neighbouring output pixels of one row for TM output channels. Per
// (input channel, kh) it loads the SEG * STRIDE_W + 2 aligned vec4 of the input row that cover its pixels plus 4
// columns either side, and takes every horizontal tap as a (strided) window of them. Weights come pre-packed (conv2d_pack_weights.comp)
// as [group, in_channel, kh, kw, out_channel], so the TM channels of one tap are TM / 4 uniform vec4 loads.
// See matmul_blocked_vec4.comp for why llvmpipe rewards few, wide texel fetches and large tiles. Every loop with a
// constant bound is marked [[unroll]]: Mesa did not unroll the tap loops by itself, which left the window array
// indexed at run time (in memory rather than registers); unrolled, the kernel does twice the work per CPU-second.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint KW = 3;
layout(constant_id = 2) const int PAD_W = 1;
layout(constant_id = 3) const int DILATION_W = 1;
layout(constant_id = 4) const uint TM = 16;  // output channels per workgroup, a multiple of 4
layout(constant_id = 5) const uint SEG = 4;  // pixel quads per lane
layout(constant_id = 6) const uint STRIDE_W = 1; // 1 or 2

layout(binding = 0) uniform samplerBuffer x4; // vec4 texels (texel buffers: see matmul_blocked_vec4.comp)
layout(binding = 1) uniform samplerBuffer w4; // vec4 texels (texel buffers: see matmul_blocked_vec4.comp)
layout(std430, binding = 2) readonly buffer InBias { float bias[]; };
layout(std430, binding = 3) buffer OutY { float y[]; };

// Whether window vec4 t (input columns ow0 - 4 + 4t ...) is read by any tap of any of the lane's quads.
bool window_used(uint t) {
    const int first = 4 - PAD_W, last = 4 + int(STRIDE_W * (4 * SEG - 1)) + int(KW - 1) * DILATION_W - PAD_W;
    return first <= 4 * int(t) + 3 && last >= 4 * int(t);
}

void main() {
    const uint lanes = gl_WorkGroupSize.x;
    const uint cg = p.channels / p.groups, og = p.out_channels / p.groups;
    const uint image = gl_WorkGroupID.z / p.groups, g = gl_WorkGroupID.z % p.groups;
    const uint o0 = (gl_WorkGroupID.y + p.row_group_base) * TM;
    const uint segments_per_row = (p.out_width + 4 * SEG - 1) / (4 * SEG);
    const uint segment_id = gl_WorkGroupID.x * lanes + gl_LocalInvocationID.x;
    const uint segment = min(segment_id, p.out_height * segments_per_row - 1);
    const uint oh = segment / segments_per_row, ow0 = (segment % segments_per_row) * 4 * SEG;
    const uint row4 = p.width / 4;
    // Window vec4 t starts at input column ow0 * STRIDE_W - 4 + 4t; each lies wholly inside or outside the row
    // (width % 4 == 0).
    const uint windows = SEG * STRIDE_W + 2;
    const int q0 = int(ow0 * STRIDE_W / 4) - 1;
    bool col_in[windows];
    uint col_at[windows];
    [[unroll]] for (uint t = 0; t < windows; t++) {
        col_in[t] = q0 + int(t) >= 0 && q0 + int(t) < int(row4);
        col_at[t] = uint(clamp(q0 + int(t), 0, int(row4) - 1));
    }
    const uint og4 = og / 4, last4 = og4 - 1;
    uint w_at[TM / 4];
    [[unroll]] for (uint t = 0; t < TM / 4; t++) w_at[t] = min(o0 / 4 + t, last4);

    vec4 acc[TM][SEG]; // acc[i][s][j]: channel o0 + i, pixel ow0 + 4s + j
    [[unroll]] for (uint i = 0; i < TM; i++)
        [[unroll]] for (uint s = 0; s < SEG; s++) acc[i][s] = vec4(0.0);

    for (uint c = 0; c < cg; c++) {
        const uint plane_at = (image * p.channels + g * cg + c) * p.height;
        for (uint kh = 0; kh < p.kernel_h; kh++) {
            const int ih = int(oh * p.stride_h + kh * p.dilation_h) - int(p.pad_h);
            const bool row_in = ih >= 0 && ih < int(p.height);
            const uint row_at = (plane_at + uint(clamp(ih, 0, int(p.height) - 1))) * row4;
            float win[4 * windows];
            [[unroll]] for (uint t = 0; t < windows; t++) {
                if (!window_used(t)) {
                    [[unroll]] for (uint e = 0; e < 4; e++) win[4 * t + e] = 0.0;
                    continue;
                }
                const vec4 v = texelFetch(x4, int(row_at + col_at[t]));
                const bool use = row_in && col_in[t];
                [[unroll]] for (uint e = 0; e < 4; e++) win[4 * t + e] = use ? v[e] : 0.0;
            }
            const uint tap_at = ((g * cg + c) * p.kernel_h + kh) * KW;
            [[unroll]] for (uint kw = 0; kw < KW; kw++) {
                vec4 px[SEG];
                [[unroll]] for (uint s = 0; s < SEG; s++) {
                    const int o = 4 + int(STRIDE_W * 4 * s) + int(kw) * DILATION_W - PAD_W;
                    const int d = int(STRIDE_W);
                    px[s] = vec4(win[o], win[o + d], win[o + 2 * d], win[o + 3 * d]);
                }
                [[unroll]] for (uint t = 0; t < TM / 4; t++) {
                    const vec4 wv = texelFetch(w4, int((tap_at + kw) * og4 + w_at[t]));
                    [[unroll]] for (uint e = 0; e < 4; e++)
                        [[unroll]] for (uint s = 0; s < SEG; s++) acc[4 * t + e][s] = fma(vec4(wv[e]), px[s], acc[4 * t + e][s]);
                }
            }
        }
    }

    if (segment_id >= p.out_height * segments_per_row) return;
    [[unroll]] for (uint i = 0; i < TM; i++) {
        const uint o = o0 + i;
        if (o >= og) break;
        const uint at = ((image * p.out_channels + g * og + o) * p.out_height + oh) * p.out_width + ow0;
        const float b = (p.flags & CONV_FLAG_BIAS) != 0 ? bias[g * og + o] : 0.0;
        [[unroll]] for (uint s = 0; s < SEG; s++)
            [[unroll]] for (uint j = 0; j < 4; j++) {
                const uint ow = 4 * s + j;
                if (ow0 + ow >= p.out_width) break;
                const float v = acc[i][s][j] + b;
                y[at + ow] = (p.flags & CONV_FLAG_ACCUMULATE) != 0 ? y[at + ow] + v : v;
            }
    }
}
