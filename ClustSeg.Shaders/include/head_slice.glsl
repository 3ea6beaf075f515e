// One head's HEAD_WIDTH channels of a [rows, channels] tensor bound as a uniform texel buffer, for the RCross EM
// kernels. Where HEAD_WIDTH is a multiple of 4 (then so are the channel count and every head's first channel) the
// slice is read as whole vec4 texels; otherwise element by element (texel_element, common.glsl). `regs` is a
// float[HEAD_WIDTH] register array; `base` the slice's first element.
#ifndef CLUSTSEG_HEAD_SLICE_GLSL
#define CLUSTSEG_HEAD_SLICE_GLSL

#define HEAD_VEC4 (HEAD_WIDTH % 4 == 0)

// regs[j] = buf[base + j]
#define HEAD_LOAD(regs, buf, base)                                                                       \
    if (HEAD_VEC4) {                                                                                     \
        const int at4_ = int((base) / 4);                                                                \
        for (uint j_ = 0; j_ < HEAD_WIDTH / 4; j_++) {                                                   \
            const vec4 v_ = texelFetch(buf, at4_ + int(j_));                                             \
            regs[4 * j_] = v_.x; regs[4 * j_ + 1] = v_.y; regs[4 * j_ + 2] = v_.z; regs[4 * j_ + 3] = v_.w; \
        }                                                                                                \
    } else {                                                                                             \
        for (uint j_ = 0; j_ < HEAD_WIDTH; j_++) regs[j_] = texel_element(buf, (base) + j_);             \
    }

// result += sum_j regs[j] * buf[base + j]
#define HEAD_DOT(result, regs, buf, base)                                                                \
    if (HEAD_VEC4) {                                                                                     \
        const int at4_ = int((base) / 4);                                                                \
        for (uint j_ = 0; j_ < HEAD_WIDTH / 4; j_++) {                                                   \
            const vec4 v_ = texelFetch(buf, at4_ + int(j_));                                             \
            result += v_.x * regs[4 * j_] + v_.y * regs[4 * j_ + 1] + v_.z * regs[4 * j_ + 2] + v_.w * regs[4 * j_ + 3]; \
        }                                                                                                \
    } else {                                                                                             \
        for (uint j_ = 0; j_ < HEAD_WIDTH; j_++) result += regs[j_] * texel_element(buf, (base) + j_);   \
    }

// regs[j] += weight * buf[base + j]
#define HEAD_AXPY(regs, weight, buf, base)                                                               \
    if (HEAD_VEC4) {                                                                                     \
        const int at4_ = int((base) / 4);                                                                \
        for (uint j_ = 0; j_ < HEAD_WIDTH / 4; j_++) {                                                   \
            const vec4 v_ = texelFetch(buf, at4_ + int(j_));                                             \
            regs[4 * j_] += (weight) * v_.x;                                                             \
            regs[4 * j_ + 1] += (weight) * v_.y;                                                         \
            regs[4 * j_ + 2] += (weight) * v_.z;                                                         \
            regs[4 * j_ + 3] += (weight) * v_.w;                                                         \
        }                                                                                                \
    } else {                                                                                             \
        for (uint j_ = 0; j_ < HEAD_WIDTH; j_++) regs[j_] += (weight) * texel_element(buf, (base) + j_); \
    }

// For the CLUSTERS rows of one invocation, rowBase[c] .. rowBase[c] + count - 1 of the texel buffer `rowsBuf`:
// acc[c][j] += sum_n rowsBuf[rowBase[c] + n] * buf[base + n * stride + j] and sums[c] += sum_n rowsBuf[rowBase[c] + n].
// Each head slice of `buf` is fetched once for all the rows (the invocation's clusters), and the rows a texel at a time
// when `aligned` (every rowBase and count multiples of 4). The including shader declares CLUSTERS.
#define ROWS_TIMES_SLICES(acc, sums, rowsBuf, rowBase, count, aligned, buf, base, stride)                     \
    if (aligned) {                                                                                           \
        for (uint n4_ = 0; n4_ < (count); n4_ += 4) {                                                        \
            vec4 r_[CLUSTERS];                                                                               \
            [[unroll]] for (uint c_ = 0; c_ < CLUSTERS; c_++) r_[c_] = texelFetch(rowsBuf, int((rowBase[c_] + n4_) / 4)); \
            [[unroll]] for (uint q_ = 0; q_ < 4; q_++) {                                                     \
                float s_[HEAD_WIDTH];                                                                        \
                HEAD_LOAD(s_, buf, (base) + (n4_ + q_) * (stride))                                           \
                [[unroll]] for (uint c_ = 0; c_ < CLUSTERS; c_++) {                                          \
                    sums[c_] += r_[c_][q_];                                                                  \
                    for (uint j2_ = 0; j2_ < HEAD_WIDTH; j2_++) acc[c_][j2_] += r_[c_][q_] * s_[j2_];        \
                }                                                                                            \
            }                                                                                                \
        }                                                                                                    \
    } else {                                                                                                 \
        for (uint n_ = 0; n_ < (count); n_++) {                                                              \
            float s_[HEAD_WIDTH];                                                                            \
            HEAD_LOAD(s_, buf, (base) + n_ * (stride))                                                       \
            [[unroll]] for (uint c_ = 0; c_ < CLUSTERS; c_++) {                                              \
                const float a_ = texel_element(rowsBuf, rowBase[c_] + n_);                                   \
                sums[c_] += a_;                                                                              \
                for (uint j2_ = 0; j2_ < HEAD_WIDTH; j2_++) acc[c_][j2_] += a_ * s_[j2_];                    \
            }                                                                                                \
        }                                                                                                    \
    }

#endif
