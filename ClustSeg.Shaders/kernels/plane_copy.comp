#version 450
// Copies planes between tensors that differ only in their last two dimensions (height and width):
// dst[p, y, x] (+)= y < src_height && x < src_width ? src[p, y, x] : 0 for every y < dst_height, x < dst_width.
// A larger destination is the source padded with zeros below and on the right, a smaller one the source cropped;
// each is the other's backward. CPU devices use it to run convolutions of odd-width maps on the vec4 kernels, which
// need rows in whole vec4s (Conv2dWidened), and the superpixel CNN to crop its padded output (SuperpixelModel).
// Each invocation fills 4 consecutive elements of the (contiguous) destination with one vec4 store, rows or not:
// llvmpipe runs every storage load and store as a loop over the SIMD lanes, so a per-element kernel paid four such
// loops per element, and the source is read through a texel buffer, which llvmpipe turns into a vector gather.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool ACCUMULATE = false;

layout(binding = 0) uniform samplerBuffer src; // read through texel_element (common.glsl)
layout(std430, binding = 1) buffer Dst { float dst[]; };
layout(std430, binding = 1) buffer Dst4 { vec4 dst4[]; };
layout(push_constant) uniform Params {
    uint planes;
    uint src_height;
    uint src_width;
    uint dst_height;
    uint dst_width;
} p;

void main() {
    const uint quad = linear_index();
    const uint total = p.planes * p.dst_height * p.dst_width;
    const uint first = 4 * quad;
    if (first >= total) return;
    // Position of the first element once; the next three step along, wrapping into the following rows and planes.
    const uint row = first / p.dst_width;
    uint x = first % p.dst_width, y = row % p.dst_height, plane = row / p.dst_height;
    vec4 v;
    [[unroll]] for (uint e = 0; e < 4; e++) {
        v[e] = first + e < total && x < p.src_width && y < p.src_height
            ? texel_element(src, (plane * p.src_height + y) * p.src_width + x) : 0.0;
        x++;
        if (x == p.dst_width) {
            x = 0;
            y++;
            if (y == p.dst_height) { y = 0; plane++; }
        }
    }
    if (first + 4 <= total) {
        if (ACCUMULATE) dst4[quad] += v;
        else dst4[quad] = v;
        return;
    }
    for (uint e = 0; first + e < total; e++) { // the tail of a destination whose size is not a multiple of 4
        if (ACCUMULATE) dst[first + e] += v[e];
        else dst[first + e] = v[e];
    }
}
