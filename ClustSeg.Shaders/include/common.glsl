// Shared helpers for ClustSeg kernels. Included with #include "common.glsl".
#ifndef CLUSTSEG_COMMON_GLSL
#define CLUSTSEG_COMMON_GLSL

#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

// Flat index of this invocation for 1-D work laid out by Groups.For1D on the host, which spills into the y
// dimension past 65535 workgroups (the portable per-dimension limit).
uint linear_index() {
    return gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
}

#endif
