#version 450
// col2im, the adjoint of conv2d_im2col.comp: the input gradient of an ungrouped conv2d from the gradient of its columns,
// grad_x[b][c][ih][iw] (+)= sum over the taps (kh, kw) that read (ih, iw) of grad_columns[b][(c * kernel_h + kh) * kernel_w + kw][oh][ow].
// A gather (no atomics): one workgroup per (channel, image), lanes along input rows. The vertical tap test is uniform
// per row; the horizontal one divides by the specialised STRIDE_W (a shift for 1 and 2, no scalarised division).
// PIXEL_MAJOR reads the transposed columns, grad_columns[b][pixel][k] (see conv2d_im2col.comp). Where input rows are a
// multiple of 4 wide, each lane sums 4 neighbouring pixels and stores them as one vec4 (llvmpipe runs every storage
// store as a loop over the lanes), which also quarters the loop iterations per pixel.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "conv_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STRIDE_W = 1;
layout(constant_id = 2) const bool ACCUMULATE = false;
layout(constant_id = 3) const bool PIXEL_MAJOR = false;

layout(binding = 0) uniform samplerBuffer grad_columns; // read through texel_element (common.glsl)
layout(std430, binding = 1) buffer OutGradX { float grad_x[]; };
layout(std430, binding = 1) buffer OutGradX4 { vec4 grad_x4[]; };

// The columns' contribution to input pixel (ih, iw) through tap (kh, kw), given the tap's column row for ih.
float tap_value(uint row_at, uint k_step, uint pixel_step, uint iw, uint kw) {
    const int reach_w = int(iw + p.pad_w) - int(kw * p.dilation_w);
    const uint ow = uint(max(reach_w, 0)) / STRIDE_W;
    const bool hit = reach_w >= 0 && uint(reach_w) % STRIDE_W == 0 && ow < p.out_width;
    const float v = texel_element(grad_columns, row_at + kw * k_step + min(ow, p.out_width - 1) * pixel_step);
    return hit ? v : 0.0;
}

void main() {
    const uint c = gl_WorkGroupID.x, image = gl_WorkGroupID.y;
    const uint taps = p.kernel_h * p.kernel_w;
    const uint pixels = p.out_height * p.out_width;
    const uint rows = p.channels * taps;
    // Element (k, pixel) of this image's columns sits at source + k * k_step + pixel * pixel_step.
    const uint k_step = PIXEL_MAJOR ? 1 : pixels, pixel_step = PIXEL_MAJOR ? rows : 1;
    const uint source = image * rows * pixels + c * taps * k_step;
    const uint target = (image * p.channels + c) * p.height * p.width;
    if (p.width % 4 == 0) {
        const uint quads = p.width / 4;
        for (uint ih = 0; ih < p.height; ih++) {
            for (uint q = gl_LocalInvocationID.x; q < quads; q += gl_WorkGroupSize.x) {
                vec4 sum = vec4(0.0);
                for (uint kh = 0; kh < p.kernel_h; kh++) {
                    const int reach_h = int(ih + p.pad_h) - int(kh * p.dilation_h);
                    if (reach_h < 0 || uint(reach_h) % p.stride_h != 0) continue;
                    const uint oh = uint(reach_h) / p.stride_h;
                    if (oh >= p.out_height) continue;
                    const uint row_at = source + kh * p.kernel_w * k_step + oh * p.out_width * pixel_step;
                    for (uint kw = 0; kw < p.kernel_w; kw++)
                        [[unroll]] for (uint e = 0; e < 4; e++) sum[e] += tap_value(row_at, k_step, pixel_step, 4 * q + e, kw);
                }
                const uint at4 = (target + ih * p.width) / 4 + q;
                grad_x4[at4] = ACCUMULATE ? grad_x4[at4] + sum : sum;
            }
        }
        return;
    }
    for (uint ih = 0; ih < p.height; ih++) {
        for (uint iw = gl_LocalInvocationID.x; iw < p.width; iw += gl_WorkGroupSize.x) {
            float sum = 0.0;
            for (uint kh = 0; kh < p.kernel_h; kh++) {
                const int reach_h = int(ih + p.pad_h) - int(kh * p.dilation_h);
                if (reach_h < 0 || uint(reach_h) % p.stride_h != 0) continue;
                const uint oh = uint(reach_h) / p.stride_h;
                if (oh >= p.out_height) continue;
                const uint row_at = source + kh * p.kernel_w * k_step + oh * p.out_width * pixel_step;
                for (uint kw = 0; kw < p.kernel_w; kw++) sum += tap_value(row_at, k_step, pixel_step, iw, kw);
            }
            const uint at = target + ih * p.width + iw;
            grad_x[at] = ACCUMULATE ? grad_x[at] + sum : sum;
        }
    }
}
