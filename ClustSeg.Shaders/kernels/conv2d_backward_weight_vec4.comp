#version 450
// conv2d weight gradient with 16-byte loads (see conv2d_vec4.comp for the conditions and why): rows are TM = 8
// output channels, each lane owns one (input channel, kh) pair and all KW horizontal taps, and the reduction runs over
// images and output pixels 4 at a time. Per quad of output pixels a workgroup issues 8 uniform vec4 loads of the output
// gradient and, per lane, the three aligned vec4 of the input row that the KW taps read. Constant-bounded loops are
// marked [[unroll]] so the window and accumulator arrays stay in registers (see conv2d_vec4.comp).
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint KW = 3;
layout(constant_id = 2) const int PAD_W = 1;
layout(constant_id = 3) const int DILATION_W = 1;
layout(constant_id = 4) const bool ACCUMULATE = false;

const uint TM = 8;

layout(binding = 0) uniform samplerBuffer x4; // vec4 texels (texel buffers: see matmul_blocked_vec4.comp)
layout(binding = 1) uniform samplerBuffer gy4; // vec4 texels (texel buffers: see matmul_blocked_vec4.comp)
layout(std430, binding = 2) buffer OutGradW { float grad_w[]; };

void main() {
    const uint lanes = gl_WorkGroupSize.x;
    const uint cg = p.channels / p.groups, og = p.out_channels / p.groups;
    const uint g = gl_WorkGroupID.z;
    const uint o0 = (gl_WorkGroupID.y + p.row_group_base) * TM;
    const uint column = gl_WorkGroupID.x * lanes + gl_LocalInvocationID.x; // (c, kh) of this lane
    const uint pair = min(column, cg * p.kernel_h - 1);
    const uint c = pair / p.kernel_h, kh = pair % p.kernel_h;
    const uint row4 = p.width / 4, out_row4 = p.out_width / 4;

    uint gy_plane[TM];
    [[unroll]] for (uint i = 0; i < TM; i++) gy_plane[i] = (g * og + min(o0 + i, og - 1)) * p.out_height;

    float acc[TM][KW];
    [[unroll]] for (uint i = 0; i < TM; i++)
        [[unroll]] for (uint kw = 0; kw < KW; kw++) acc[i][kw] = 0.0;

    // Output-row band of this dispatch (p.flags = first | count << 16, count 0 = every row), as in
    // conv2d_backward_weight.comp: the host splits the reduction so no invocation passes lavapipe's loop limit.
    const uint band_first = p.flags & 0xFFFFu, band_rows = p.flags >> 16;
    const uint band_end = band_rows == 0 ? p.out_height : min(p.out_height, band_first + band_rows);
    for (uint image = 0; image < p.batch; image++) {
        const uint x_plane = (image * p.channels + g * cg + c) * p.height;
        const uint gy_image = image * p.out_channels * p.out_height;
        for (uint oh = band_first; oh < band_end; oh++) {
            const int ih = int(oh * p.stride_h + kh * p.dilation_h) - int(p.pad_h);
            const bool row_in = ih >= 0 && ih < int(p.height);
            const uint row_at = (x_plane + uint(clamp(ih, 0, int(p.height) - 1))) * row4;
            for (uint q = 0; q < out_row4; q++) {
                float win[12];
                [[unroll]] for (int t = 0; t < 3; t++) {
                    if (4 - PAD_W > 4 * t + 3 || 4 + int(KW - 1) * DILATION_W - PAD_W + 3 < 4 * t) {
                        [[unroll]] for (uint e = 0; e < 4; e++) win[4 * t + e] = 0.0;
                        continue;
                    }
                    const int at = int(q) - 1 + t;
                    const vec4 v = texelFetch(x4, int(row_at + uint(clamp(at, 0, int(row4) - 1))));
                    const bool use = row_in && at >= 0 && at < int(row4);
                    [[unroll]] for (uint e = 0; e < 4; e++) win[4 * t + e] = use ? v[e] : 0.0;
                }
                vec4 px[KW];
                [[unroll]] for (uint kw = 0; kw < KW; kw++) {
                    const int s = 4 + int(kw) * DILATION_W - PAD_W;
                    px[kw] = vec4(win[s], win[s + 1], win[s + 2], win[s + 3]);
                }
                [[unroll]] for (uint i = 0; i < TM; i++) {
                    const vec4 gv = texelFetch(gy4, int((gy_image + gy_plane[i] + oh) * out_row4 + q));
                    [[unroll]] for (uint kw = 0; kw < KW; kw++) acc[i][kw] += dot(gv, px[kw]);
                }
            }
        }
    }

    if (column >= cg * p.kernel_h) return;
    [[unroll]] for (uint i = 0; i < TM; i++) {
        const uint o = o0 + i;
        if (o >= og) break;
        [[unroll]] for (uint kw = 0; kw < KW; kw++) {
            const uint at = (((g * og + o) * cg + c) * p.kernel_h + kh) * KW + kw;
            grad_w[at] = ACCUMULATE ? grad_w[at] + acc[i][kw] : acc[i][kw];
        }
    }
}
