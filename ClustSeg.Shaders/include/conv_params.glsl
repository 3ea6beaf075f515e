// Push constants shared by the conv2d kernels (Conv2dOp.Push on the host). Tensors are NCHW; weights are
// [out_channels, channels / groups, kernel_h, kernel_w].
#ifndef CLUSTSEG_CONV_PARAMS_GLSL
#define CLUSTSEG_CONV_PARAMS_GLSL

layout(push_constant) uniform ConvParams {
    uint batch;
    uint channels;
    uint height;
    uint width;
    uint out_channels;
    uint out_height;
    uint out_width;
    uint kernel_h;
    uint kernel_w;
    uint stride_h;
    uint stride_w;
    uint pad_h;
    uint pad_w;
    uint dilation_h;
    uint dilation_w;
    uint groups;
    uint row_group_base; // first row-group of this dispatch: the host splits grids past 65535 groups along y
    uint flags;          // conv2d_vec4.comp: CONV_FLAG_* (runtime there, so fewer, slow-to-compile pipelines);
                         // conv2d_backward_weight(_vec4).comp: output-row band, first | count << 16 (0: every row)
} p;

#define CONV_FLAG_BIAS 1u
#define CONV_FLAG_ACCUMULATE 2u

#endif
