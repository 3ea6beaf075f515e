#version 450
// Batched GEMM for GPUs: a BM x BN tile of C per workgroup, staged through shared memory BK deep; each invocation
// accumulates TM x TN outputs in registers. Tile sizes are specialization constants chosen per vendor on the host
// (MatmulOp.TileFor). An invocation's rows and columns are strided by the thread grid so that neighbouring
// invocations read neighbouring shared-memory words (no bank conflicts) and write neighbouring outputs.
#include "common.glsl"
#include "gemm_params.glsl"

layout(local_size_x_id = 0) in;                 // (BM / TM) * (BN / TN)
layout(constant_id = 1) const uint BM = 64;
layout(constant_id = 2) const uint BN = 64;
layout(constant_id = 3) const uint BK = 8;
layout(constant_id = 4) const uint TM = 4;
layout(constant_id = 5) const uint TN = 4;
layout(constant_id = 6) const bool TRANS_A = false;
layout(constant_id = 7) const bool TRANS_B = false;
layout(constant_id = 8) const bool HAS_BIAS = false;
layout(constant_id = 9) const bool ACCUMULATE = false;

layout(std430, binding = 0) readonly buffer InA { float a[]; };
layout(std430, binding = 1) readonly buffer InB { float b[]; };
layout(std430, binding = 2) readonly buffer InBias { float bias[]; };
layout(std430, binding = 3) buffer OutC { float c[]; };

shared float tile_a[BK][BM]; // tile_a[k][m] = op(A)(row0 + m, k0 + k)
shared float tile_b[BK][BN]; // tile_b[k][n] = op(B)(k0 + k, col0 + n)

void main() {
    const uint threads = gl_WorkGroupSize.x;
    const uint tid = gl_LocalInvocationID.x;
    const uint grid_x = BN / TN;
    const uint tx = tid % grid_x;
    const uint ty = tid / grid_x;
    const uint row0 = (gl_WorkGroupID.y + p.row_group_base) * BM;
    const uint col0 = gl_WorkGroupID.x * BN;
    const uint z = gl_WorkGroupID.z;

    float acc[TM][TN];
    for (uint i = 0; i < TM; i++)
        for (uint j = 0; j < TN; j++) acc[i][j] = 0.0;

    for (uint r = 0; r < p.reduce_count; r++) {
        const uint batch = z * p.reduce_count + r;
        const uint base_a = batch * p.batch_stride_a;
        const uint base_b = batch * p.batch_stride_b;
        for (uint k0 = 0; k0 < p.K; k0 += BK) {
            // Stage the tiles; the index order follows memory order so global reads coalesce.
            for (uint e = tid; e < BM * BK; e += threads) {
                const uint m = TRANS_A ? e % BM : e / BK;
                const uint k = TRANS_A ? e / BM : e % BK;
                const uint gm = row0 + m, gk = k0 + k;
                float v = 0.0;
                if (gm < p.M && gk < p.K) v = a[base_a + (TRANS_A ? gk * p.lda + gm : gm * p.lda + gk)];
                tile_a[k][m] = v;
            }
            for (uint e = tid; e < BK * BN; e += threads) {
                const uint n = TRANS_B ? e / BK : e % BN;
                const uint k = TRANS_B ? e % BK : e / BN;
                const uint gn = col0 + n, gk = k0 + k;
                float v = 0.0;
                if (gn < p.N && gk < p.K) v = b[base_b + (TRANS_B ? gn * p.ldb + gk : gk * p.ldb + gn)];
                tile_b[k][n] = v;
            }
            barrier();
            for (uint k = 0; k < BK; k++) {
                float av[TM], bv[TN];
                for (uint i = 0; i < TM; i++) av[i] = tile_a[k][ty + i * (BM / TM)];
                for (uint j = 0; j < TN; j++) bv[j] = tile_b[k][tx + j * grid_x];
                for (uint i = 0; i < TM; i++)
                    for (uint j = 0; j < TN; j++) acc[i][j] = fma(av[i], bv[j], acc[i][j]);
            }
            barrier();
        }
    }

    for (uint i = 0; i < TM; i++) {
        const uint m = row0 + ty + i * (BM / TM);
        if (m >= p.M) continue;
        for (uint j = 0; j < TN; j++) {
            const uint n = col0 + tx + j * grid_x;
            if (n >= p.N) continue;
            const uint at = z * p.batch_stride_c + m * p.ldc + n;
            float v = p.alpha * acc[i][j];
            if (HAS_BIAS) v += bias[n];
            if (ACCUMULATE) v += c[at];
            c[at] = v;
        }
    }
}
