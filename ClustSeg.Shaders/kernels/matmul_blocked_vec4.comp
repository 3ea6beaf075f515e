#version 450
// Batched GEMM for CPU implementations when M, N and K are multiples of 4: matmul_blocked.comp with every load a
// 16-byte vec4. llvmpipe (Mesa 22) turns each storage-buffer load, uniform or not, into a loop over the SIMD lanes
// with a bounds check per component, so what a kernel pays for is the number of load instructions, not bytes: a vec4
// load costs little more than a scalar one. Per step of 4 along K a workgroup of `lanes` invocations issues 8
// uniform vec4 loads of A (8 rows x 4 k) and 4 vec4 loads of B per lane (4 columns x 4 k), feeding 128 FMAs per lane.
#include "common.glsl"
#include "gemm_params.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool TRANS_A = false;
layout(constant_id = 2) const bool TRANS_B = false;
layout(constant_id = 3) const bool HAS_BIAS = false;
layout(constant_id = 4) const bool ACCUMULATE = false;

const uint TM = 8; // rows per workgroup: two vec4 along M when A is transposed

layout(std430, binding = 0) readonly buffer InA { vec4 a4[]; };
layout(std430, binding = 1) readonly buffer InB { vec4 b4[]; };
layout(std430, binding = 2) readonly buffer InBias { float bias[]; };
layout(std430, binding = 3) buffer OutC { float c[]; };

void main() {
    const uint lanes = gl_WorkGroupSize.x;
    const uint lane = gl_LocalInvocationID.x;
    const uint row0 = (gl_WorkGroupID.y + p.row_group_base) * TM;
    const uint col0 = (gl_WorkGroupID.x * lanes + lane) * 4;
    const uint z = gl_WorkGroupID.z;
    // Clamped so that edge workgroups load valid (unused) data and keep every load in bounds and aligned.
    const uint last_row4 = (p.M - 1) / 4 * 4;
    const uint col = min(col0, p.N - 4);

    vec4 acc[TM]; // acc[i][j]: row row0 + i, column col0 + j
    for (uint i = 0; i < TM; i++) acc[i] = vec4(0.0);

    for (uint r = 0; r < p.reduce_count; r++) {
        const uint batch = z * p.reduce_count + r;
        const uint base_a = batch * p.batch_stride_a, base_b = batch * p.batch_stride_b;
        for (uint k = 0; k < p.K; k += 4) {
            vec4 a_rows[TM]; // a_rows[i][q] = op(A)(row0 + i, k + q)
            if (TRANS_A) {
                for (uint q = 0; q < 4; q++) {
                    const uint at = base_a + (k + q) * p.lda;
                    const vec4 lo = a4[(at + min(row0, last_row4)) / 4];
                    const vec4 hi = a4[(at + min(row0 + 4, last_row4)) / 4];
                    for (uint i = 0; i < 4; i++) { a_rows[i][q] = lo[i]; a_rows[i + 4][q] = hi[i]; }
                }
            } else {
                for (uint i = 0; i < TM; i++) a_rows[i] = a4[(base_a + min(row0 + i, p.M - 1) * p.lda + k) / 4];
            }
            if (TRANS_B) {
                vec4 b_cols[4]; // b_cols[j][q] = op(B)(k + q, col + j)
                for (uint j = 0; j < 4; j++) b_cols[j] = b4[(base_b + (col + j) * p.ldb + k) / 4];
                for (uint i = 0; i < TM; i++)
                    for (uint j = 0; j < 4; j++) acc[i][j] += dot(a_rows[i], b_cols[j]);
            } else {
                vec4 b_rows[4]; // b_rows[q][j] = op(B)(k + q, col + j)
                for (uint q = 0; q < 4; q++) b_rows[q] = b4[(base_b + (k + q) * p.ldb + col) / 4];
                for (uint i = 0; i < TM; i++)
                    acc[i] = fma(vec4(a_rows[i].x), b_rows[0], fma(vec4(a_rows[i].y), b_rows[1],
                             fma(vec4(a_rows[i].z), b_rows[2], fma(vec4(a_rows[i].w), b_rows[3], acc[i]))));
            }
        }
    }

    if (col0 >= p.N) return;
    for (uint i = 0; i < TM; i++) {
        const uint m = row0 + i;
        if (m >= p.M) break;
        for (uint j = 0; j < 4; j++) {
            const uint at = z * p.batch_stride_c + m * p.ldc + col0 + j;
            float v = p.alpha * acc[i][j];
            if (HAS_BIAS) v += bias[col0 + j];
            if (ACCUMULATE) v += c[at];
            c[at] = v;
        }
    }
}
