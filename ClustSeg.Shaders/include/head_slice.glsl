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

// Calls BODY(a, n) for the n-th element of the row [row, row + count) of a texel buffer, four at a time from whole
// texels when `aligned` (row and count multiples of 4), else one element at a time.
#define ROW_WALK(buf, row, count, aligned, BODY)                                                         \
    if (aligned) {                                                                                       \
        for (uint n4_ = 0; n4_ < (count); n4_ += 4) {                                                    \
            const vec4 r_ = texelFetch(buf, int(((row) + n4_) / 4));                                     \
            BODY(r_.x, n4_) BODY(r_.y, n4_ + 1) BODY(r_.z, n4_ + 2) BODY(r_.w, n4_ + 3)                   \
        }                                                                                                \
    } else {                                                                                             \
        for (uint n_ = 0; n_ < (count); n_++) { BODY(texel_element(buf, (row) + n_), n_) }               \
    }

#endif
