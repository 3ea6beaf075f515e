#version 450
// Batched GEMM for CPU implementations when every row and batch stride it loads along is a multiple of 4 (N always,
// K unless A is transposed and B is not, M only when A is transposed; Gemm.FitsVec4): matmul_blocked.comp with every
// load a 16-byte vec4 texel. A and B are uniform texel buffers, not storage buffers: llvmpipe (Mesa 22) turns each
// storage-buffer load into a loop over the SIMD lanes with a bounds check per component (about 90 cycles for a
// uniform vec4 and 180 for a per-lane one on this machine), but a texel fetch into vector gathers, which made this
// kernel about 3x faster per CPU-second (BENCHMARKS.md). Loads still cost far more than the 8-wide FMAs, so tiles stay
// large even though the accumulators then spill: a workgroup computes TM rows x (lanes x 4 x CV) columns, and per
// step of 4 along K it fetches TM uniform texels of A and 4 x CV texels of B per lane for 16 x TM x CV FMAs per lane.
#include "common.glsl"
#include "gemm_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool TRANS_A = false;
layout(constant_id = 2) const bool TRANS_B = false;
layout(constant_id = 3) const uint TM = 16; // rows per workgroup, a multiple of 4
layout(constant_id = 4) const uint CV = 4;  // vec4 column groups per lane, strided by the lane count
// Bias and accumulation are push-constant flags here, not specialisations: this kernel takes seconds to compile.

layout(binding = 0) uniform samplerBuffer a4; // texel i = elements 4i .. 4i + 3
layout(binding = 1) uniform samplerBuffer b4;
layout(std430, binding = 2) readonly buffer InBias { float bias[]; };
layout(std430, binding = 2) readonly buffer InBias4 { vec4 bias4[]; };
layout(std430, binding = 3) buffer OutC4 { vec4 c4[]; };

void main() {
    const uint lanes = gl_WorkGroupSize.x;
    const uint lane = gl_LocalInvocationID.x;
    const uint row0 = (gl_WorkGroupID.y + p.row_group_base) * TM;
    const uint z = gl_WorkGroupID.z;
    // Clamped so that edge workgroups load valid (unused) data and keep every load in bounds and aligned.
    const uint last_row4 = (p.M - 1) / 4 * 4;
    uint col0[CV], col[CV];
    for (uint h = 0; h < CV; h++) {
        col0[h] = (gl_WorkGroupID.x * lanes * CV + h * lanes + lane) * 4;
        col[h] = min(col0[h], p.N - 4);
    }

    vec4 acc[TM][CV]; // acc[i][h][j]: row row0 + i, column col0[h] + j
    for (uint i = 0; i < TM; i++)
        for (uint h = 0; h < CV; h++) acc[i][h] = vec4(0.0);

    for (uint r = 0; r < p.reduce_count; r++) {
        const uint batch = z * p.reduce_count + r;
        const uint base_a = batch * p.batch_stride_a, base_b = batch * p.batch_stride_b;
        for (uint k = 0; k < p.K; k += 4) {
            vec4 a_rows[TM]; // a_rows[i][q] = op(A)(row0 + i, k + q)
            if (TRANS_A) {
                for (uint q = 0; q < 4; q++) {
                    // With A transposed and B not, K indexes rows only, so the host allows a K that is not a multiple
                    // of 4: the rows past K read row K - 1 and count as zero.
                    const bool live = k + q < p.K;
                    const uint at = base_a + min(k + q, p.K - 1) * p.lda;
                    for (uint t = 0; t < TM / 4; t++) {
                        const vec4 v = live ? texelFetch(a4, int((at + min(row0 + 4 * t, last_row4)) / 4)) : vec4(0.0);
                        for (uint e = 0; e < 4; e++) a_rows[4 * t + e][q] = v[e];
                    }
                }
            } else {
                for (uint i = 0; i < TM; i++) a_rows[i] = texelFetch(a4, int((base_a + min(row0 + i, p.M - 1) * p.lda + k) / 4));
            }
            for (uint h = 0; h < CV; h++) {
                if (TRANS_B) {
                    vec4 b_cols[4]; // b_cols[j][q] = op(B)(k + q, col[h] + j)
                    for (uint j = 0; j < 4; j++) b_cols[j] = texelFetch(b4, int((base_b + (col[h] + j) * p.ldb + k) / 4));
                    for (uint i = 0; i < TM; i++)
                        for (uint j = 0; j < 4; j++) acc[i][h][j] += dot(a_rows[i], b_cols[j]);
                } else {
                    vec4 b_rows[4]; // b_rows[q][j] = op(B)(k + q, col[h] + j)
                    for (uint q = 0; q < 4; q++) b_rows[q] = texelFetch(b4, int((base_b + min(k + q, p.K - 1) * p.ldb + col[h]) / 4));
                    for (uint i = 0; i < TM; i++)
                        acc[i][h] = fma(vec4(a_rows[i].x), b_rows[0], fma(vec4(a_rows[i].y), b_rows[1],
                                    fma(vec4(a_rows[i].z), b_rows[2], fma(vec4(a_rows[i].w), b_rows[3], acc[i][h]))));
                }
            }
        }
    }

    // N, ldc and the batch stride of C are multiples of 4 here, so each lane's 4 columns are in range together and one
    // aligned vec4 store writes them: llvmpipe runs every store as a loop over the lanes, and 4 x TM x CV scalar stores
    // per lane were a sizeable share of a product with K in the hundreds.
    for (uint i = 0; i < TM; i++) {
        const uint m = row0 + i;
        if (m >= p.M) break;
        const float row_bias = (p.flags & GEMM_FLAG_ROW_BIAS) != 0 ? bias[m] : 0.0;
        for (uint h = 0; h < CV; h++) {
            if (col0[h] >= p.N) continue;
            const uint at4 = (z * p.batch_stride_c + m * p.ldc + col0[h]) / 4;
            vec4 v = p.alpha * acc[i][h] + row_bias;
            if ((p.flags & GEMM_FLAG_BIAS) != 0) v += bias4[col0[h] / 4];
            if ((p.flags & GEMM_FLAG_ACCUMULATE) != 0) v += c4[at4];
            c4[at4] = v;
        }
    }
}
