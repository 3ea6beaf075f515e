// Shared helpers for ClustSeg kernels. Included with #include "common.glsl".
#ifndef CLUSTSEG_COMMON_GLSL
#define CLUSTSEG_COMMON_GLSL

#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

// Flat index of this invocation for 1-D work laid out by Groups.For1D on the host, which spills into the y
// dimension past 65535 workgroups (the portable per-dimension limit).
uint linear_index() {
    return gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
}

// Element i of a float tensor bound as a uniform texel buffer of vec4 texels (Kernel.TexelBufferBindings). Kernels
// for llvmpipe read through texel buffers because Mesa 22 compiles every storage-buffer load into a loop over the
// SIMD lanes, and a texel fetch into a vector gather (BENCHMARKS.md, "What limits the kernels on lavapipe").
float texel_element(samplerBuffer texels, uint i) {
    return texelFetch(texels, int(i >> 2))[i & 3u];
}

// Elements shift..shift+3 of the 8 elements in two neighbouring texels a, b: 4 consecutive elements that start
// anywhere, picked out of the two texels they straddle (shift = start & 3).
vec4 texel_window(vec4 a, vec4 b, uint shift) {
    return shift == 0u ? a : shift == 1u ? vec4(a.yzw, b.x) : shift == 2u ? vec4(a.zw, b.xy) : vec4(a.w, b.xyz);
}

#endif
