#version 450
// Batched GEMM for CPU implementations (lavapipe): register blocking without shared memory.
// llvmpipe runs the invocations of a workgroup as lanes of one SIMD vector, so a workgroup is one subgroup-wide row of
// lanes. All lanes of a workgroup share the same TM rows (loads of A are uniform: one scalar load, broadcast) and
// each lane owns TN columns (loads of B differ per lane). Every loaded value then feeds TM or TN fused multiply-adds.
// Out-of-range rows and columns are clamped for loading and masked on store, keeping the loads uniform.
#include "common.glsl"
#include "gemm_params.glsl"

layout(local_size_x_id = 0) in;                 // lanes; one SIMD vector on llvmpipe
layout(constant_id = 1) const uint TM = 8;      // rows per workgroup (shared by all lanes)
layout(constant_id = 2) const uint TN = 2;      // columns per lane
layout(constant_id = 3) const bool TRANS_A = false;
layout(constant_id = 4) const bool TRANS_B = false;
layout(constant_id = 5) const bool HAS_BIAS = false;
layout(constant_id = 6) const bool ACCUMULATE = false;
layout(constant_id = 7) const bool LANE_CONTIGUOUS = false; // columns lane*TN+j (true) or lane+j*lanes (false)

layout(binding = 0) uniform samplerBuffer a; // read through texel_element (common.glsl)
layout(binding = 1) uniform samplerBuffer b; // read through texel_element (common.glsl)
layout(std430, binding = 2) readonly buffer InBias { float bias[]; };
layout(std430, binding = 3) buffer OutC { float c[]; };

void main() {
    const uint lanes = gl_WorkGroupSize.x;
    const uint lane = gl_LocalInvocationID.x;
    const uint row0 = (gl_WorkGroupID.y + p.row_group_base) * TM;
    const uint z = gl_WorkGroupID.z;

    uint cols[TN];
    for (uint j = 0; j < TN; j++)
        cols[j] = LANE_CONTIGUOUS ? gl_WorkGroupID.x * lanes * TN + lane * TN + j
                                  : gl_WorkGroupID.x * lanes * TN + j * lanes + lane;

    // Element (m, k) of op(A) is at m * a_row + k * a_k; element (k, n) of op(B) at k * b_k + n * b_col.
    const uint a_row = TRANS_A ? 1 : p.lda;
    const uint a_k = TRANS_A ? p.lda : 1;
    const uint b_k = TRANS_B ? 1 : p.ldb;
    const uint b_col = TRANS_B ? p.ldb : 1;

    float acc[TM][TN];
    for (uint i = 0; i < TM; i++)
        for (uint j = 0; j < TN; j++) acc[i][j] = 0.0;

    for (uint r = 0; r < p.reduce_count; r++) {
        const uint batch = z * p.reduce_count + r;
        uint a_at[TM];
        for (uint i = 0; i < TM; i++) a_at[i] = batch * p.batch_stride_a + min(row0 + i, p.M - 1) * a_row;
        uint b_at[TN];
        for (uint j = 0; j < TN; j++) b_at[j] = batch * p.batch_stride_b + min(cols[j], p.N - 1) * b_col;

        for (uint k = 0; k < p.K; k++) {
            float bv[TN];
            for (uint j = 0; j < TN; j++) bv[j] = texel_element(b, b_at[j] + k * b_k);
            for (uint i = 0; i < TM; i++) {
                const float av = texel_element(a, a_at[i] + k * a_k);
                for (uint j = 0; j < TN; j++) acc[i][j] = fma(av, bv[j], acc[i][j]);
            }
        }
    }

    for (uint i = 0; i < TM; i++) {
        const uint m = row0 + i;
        if (m >= p.M) break;
        for (uint j = 0; j < TN; j++) {
            const uint n = cols[j];
            if (n >= p.N) continue;
            const uint at = z * p.batch_stride_c + m * p.ldc + n;
            float v = p.alpha * acc[i][j];
            if (HAS_BIAS) v += bias[n];
            if (ACCUMULATE) v += c[at];
            c[at] = v;
        }
    }
}
