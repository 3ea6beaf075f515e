#version 450
// im2col for the GEMM path of conv2d (Conv2dColumns on the host), ungrouped: per image b,
// columns[b][k][oh * out_width + ow] = x[b][c][oh * stride_h - pad_h + kh * dilation_h][ow * stride_w - pad_w + kw * dilation_w]
// (zero in the padding), with k = (c * kernel_h + kh) * kernel_w + kw, the column order of the weights [O, C, KH, KW].
// PIXEL_MAJOR stores the transpose, columns[b][pixel][k], for maps too small to fill a GEMM's columns.
// One workgroup per (k, image); the lanes run along output rows, so every integer division is on uniform values
// (llvmpipe has no vector integer division). Where the output rows are a multiple of 4 wide, each lane fills 4
// neighbouring columns and stores them as one vec4: llvmpipe runs every storage store as a loop over the lanes, so
// this quarters the stores, which are most of the kernel's time. With unit horizontal stride and dilation a lane's 4
// columns are 4 consecutive input elements, fetched as the two texels they straddle (the offset into them is the same
// for every lane) instead of gathered one element at a time.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool PIXEL_MAJOR = false;

layout(binding = 0) uniform samplerBuffer x; // read through texel_element (common.glsl)
layout(std430, binding = 1) writeonly buffer OutColumns { float columns[]; };
layout(std430, binding = 1) writeonly buffer OutColumns4 { vec4 columns4[]; };

void main() {
    const uint k = gl_WorkGroupID.x, image = gl_WorkGroupID.y;
    const uint taps = p.kernel_h * p.kernel_w;
    const uint c = k / taps, tap = k % taps;
    const uint kh = tap / p.kernel_w, kw = tap % p.kernel_w;
    const uint pixels = p.out_height * p.out_width;
    const uint source = (image * p.channels + c) * p.height * p.width;
    const uint rows = p.channels * taps;
    const uint target = PIXEL_MAJOR ? image * rows * pixels + k : (image * rows + k) * pixels;
    const uint pixel_step = PIXEL_MAJOR ? rows : 1;
    const int w0 = int(kw * p.dilation_w) - int(p.pad_w);
    if (!PIXEL_MAJOR && p.out_width % 4 == 0) {
        const uint quads = p.out_width / 4;
        for (uint oh = 0; oh < p.out_height; oh++) {
            const int ih = int(oh * p.stride_h + kh * p.dilation_h) - int(p.pad_h);
            if (ih < 0 || ih >= int(p.height)) {
                for (uint q = gl_LocalInvocationID.x; q < quads; q += gl_WorkGroupSize.x)
                    columns4[(target + oh * p.out_width) / 4 + q] = vec4(0.0);
                continue;
            }
            const uint row_at = source + uint(ih) * p.width;
            if (p.stride_w == 1 && p.dilation_w == 1) {
                // Element e of quad q is input element row_at + w0 + 4q + e; the texels past the tensor's end that the
                // last quads may reach are clamped (their elements lie past the row and are zeroed).
                const int start = int(row_at) + w0;
                const uint shift = uint(start) & 3u;
                const int last_texel = textureSize(x) - 1;
                for (uint q = gl_LocalInvocationID.x; q < quads; q += gl_WorkGroupSize.x) {
                    const int texel = (start >> 2) + int(q);
                    const vec4 a = texelFetch(x, clamp(texel, 0, last_texel));
                    const vec4 b = texelFetch(x, clamp(texel + 1, 0, last_texel));
                    vec4 v = texel_window(a, b, shift);
                    [[unroll]] for (uint e = 0; e < 4; e++) {
                        const int iw = int(4 * q + e) + w0;
                        if (iw < 0 || iw >= int(p.width)) v[e] = 0.0;
                    }
                    columns4[(target + oh * p.out_width) / 4 + q] = v;
                }
                continue;
            }
            for (uint q = gl_LocalInvocationID.x; q < quads; q += gl_WorkGroupSize.x) {
                vec4 v;
                [[unroll]] for (uint e = 0; e < 4; e++) {
                    const int iw = int((4 * q + e) * p.stride_w) + w0;
                    const float x_value = texel_element(x, row_at + uint(clamp(iw, 0, int(p.width) - 1)));
                    v[e] = iw >= 0 && iw < int(p.width) ? x_value : 0.0;
                }
                columns4[(target + oh * p.out_width) / 4 + q] = v;
            }
        }
        return;
    }
    for (uint oh = 0; oh < p.out_height; oh++) {
        const int ih = int(oh * p.stride_h + kh * p.dilation_h) - int(p.pad_h);
        const bool row_inside = ih >= 0 && ih < int(p.height);
        const uint row_at = source + uint(clamp(ih, 0, int(p.height) - 1)) * p.width;
        for (uint ow = gl_LocalInvocationID.x; ow < p.out_width; ow += gl_WorkGroupSize.x) {
            const int iw = int(ow * p.stride_w) + w0;
            const float v = texel_element(x, row_at + uint(clamp(iw, 0, int(p.width) - 1)));
            columns[target + (oh * p.out_width + ow) * pixel_step] = row_inside && iw >= 0 && iw < int(p.width) ? v : 0.0;
        }
    }
}
