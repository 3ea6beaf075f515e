// Shared helpers for ClustSeg kernels. Included with #include "common.glsl".
#ifndef CLUSTSEG_COMMON_GLSL
#define CLUSTSEG_COMMON_GLSL

#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

#endif
