#version 450
// conv2d weight gradient as an implicit GEMM per group: rows are output channels, columns are (input channel, kh, kw),
// the reduction runs over every image and output pixel. The lanes of a workgroup share TM output channels (loads of
// the output gradient are uniform) and each lane owns TN columns (input loads differ per lane).
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint TM = 8;  // output channels per workgroup
layout(constant_id = 2) const uint TN = 2;  // weight columns per lane
layout(constant_id = 3) const bool ACCUMULATE = false;

layout(std430, binding = 0) readonly buffer InX { float x[]; };
layout(std430, binding = 1) readonly buffer InGradY { float grad_y[]; };
layout(std430, binding = 2) buffer OutGradW { float grad_w[]; };

void main() {
    const uint lanes = gl_WorkGroupSize.x;
    const uint lane = gl_LocalInvocationID.x;
    const uint cg = p.channels / p.groups, og = p.out_channels / p.groups;
    const uint g = gl_WorkGroupID.z;
    const uint o0 = (gl_WorkGroupID.y + p.row_group_base) * TM;
    const uint plane = p.height * p.width, out_plane = p.out_height * p.out_width, taps = p.kernel_h * p.kernel_w;
    const uint columns = cg * taps;

    uint col[TN], channel_at[TN];
    int ih_base[TN], iw_base[TN];
    for (uint j = 0; j < TN; j++) {
        col[j] = gl_WorkGroupID.x * lanes * TN + j * lanes + lane;
        const uint q = min(col[j], columns - 1);
        const uint tap = q % taps;
        channel_at[j] = (q / taps) * plane;
        ih_base[j] = int((tap / p.kernel_w) * p.dilation_h) - int(p.pad_h);
        iw_base[j] = int((tap % p.kernel_w) * p.dilation_w) - int(p.pad_w);
    }
    uint gy_at[TM];
    for (uint i = 0; i < TM; i++) gy_at[i] = (g * og + min(o0 + i, og - 1)) * out_plane;

    float acc[TM][TN];
    for (uint i = 0; i < TM; i++)
        for (uint j = 0; j < TN; j++) acc[i][j] = 0.0;

    // Output-row band of this dispatch (p.flags = first | count << 16, count 0 = every row): the host splits the
    // pixel reduction into bands so that no invocation passes lavapipe's loop limit (CpuLoopBudget), accumulating.
    const uint band_first = p.flags & 0xFFFFu, band_rows = p.flags >> 16;
    const uint band_end = band_rows == 0 ? p.out_height : min(p.out_height, band_first + band_rows);
    for (uint image = 0; image < p.batch; image++) {
        const uint x_base = (image * p.channels + g * cg) * plane;
        const uint gy_base = image * p.out_channels * out_plane;
        for (uint oh = band_first; oh < band_end; oh++) {
            uint row_at[TN];
            bool row_inside[TN];
            for (uint j = 0; j < TN; j++) {
                const int ih = int(oh * p.stride_h) + ih_base[j];
                row_inside[j] = ih >= 0 && ih < int(p.height);
                row_at[j] = x_base + channel_at[j] + uint(clamp(ih, 0, int(p.height) - 1)) * p.width;
            }
            for (uint ow = 0; ow < p.out_width; ow++) {
                float xv[TN];
                for (uint j = 0; j < TN; j++) {
                    const int iw = int(ow * p.stride_w) + iw_base[j];
                    const float v = x[row_at[j] + uint(clamp(iw, 0, int(p.width) - 1))];
                    xv[j] = row_inside[j] && iw >= 0 && iw < int(p.width) ? v : 0.0;
                }
                const uint pixel = gy_base + oh * p.out_width + ow;
                for (uint i = 0; i < TM; i++) {
                    const float gv = grad_y[gy_at[i] + pixel];
                    for (uint j = 0; j < TN; j++) acc[i][j] = fma(gv, xv[j], acc[i][j]);
                }
            }
        }
    }

    for (uint i = 0; i < TM; i++) {
        const uint o = o0 + i;
        if (o >= og) break;
        for (uint j = 0; j < TN; j++) {
            if (col[j] >= columns) continue;
            const uint at = (g * og + o) * columns + col[j];
            grad_w[at] = ACCUMULATE ? grad_w[at] + acc[i][j] : acc[i][j];
        }
    }
}
