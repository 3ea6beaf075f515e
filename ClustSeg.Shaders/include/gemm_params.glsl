// Push constants shared by matmul_blocked.comp and matmul_tiled.comp (MatmulOp.GemmPush on the host).
#ifndef CLUSTSEG_GEMM_PARAMS_GLSL
#define CLUSTSEG_GEMM_PARAMS_GLSL

// C[z] (+)= alpha * sum_{r < reduce_count} op(A[z*reduce_count + r]) op(B[z*reduce_count + r]) (+ bias)
// op(A) is M x K, op(B) is K x N, C is M x N with row stride ldc. lda/ldb are the row strides of A and B as stored
// (stored A is M x K, or K x M when transposed). A batch stride of 0 broadcasts that operand over the batch.
layout(push_constant) uniform GemmParams {
    uint M;
    uint N;
    uint K;
    uint lda;
    uint ldb;
    uint ldc;
    uint batch_stride_a;
    uint batch_stride_b;
    uint batch_stride_c;
    uint reduce_count;   // >1 sums that many consecutive A/B batches into one C (weight gradients of shared B)
    uint row_group_base; // first row-group of this dispatch: the host splits grids past 65535 groups along y
    float alpha;
    uint flags;          // matmul_blocked_vec4.comp only: GEMM_FLAG_* (runtime there, so fewer, slow-to-compile pipelines)
} p;

#define GEMM_FLAG_BIAS 1u
#define GEMM_FLAG_ACCUMULATE 2u

#endif
