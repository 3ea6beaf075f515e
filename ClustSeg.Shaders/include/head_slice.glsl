// Loops over one head's HEAD_WIDTH channels of a [rows, channels] buffer, for the RCross EM kernels. Where HEAD_WIDTH
// is a multiple of 4 (then so are the channel count and every head's first channel), the slice is read as vec4 through
// the buffer's vec4 view: llvmpipe issues one load loop per load instruction, so this quarters the loads of the EM
// kernels' inner loops. `regs` is a float[HEAD_WIDTH] register array; `base` the slice's first float index.
#ifndef CLUSTSEG_HEAD_SLICE_GLSL
#define CLUSTSEG_HEAD_SLICE_GLSL

#define HEAD_VEC4 (HEAD_WIDTH % 4 == 0)

// result += sum_j regs[j] * buf[base + j]
#define HEAD_DOT(result, regs, buf, buf4, base)                                                          \
    if (HEAD_VEC4) {                                                                                     \
        const uint at4_ = (base) / 4;                                                                    \
        for (uint j_ = 0; j_ < HEAD_WIDTH / 4; j_++) {                                                   \
            const vec4 v_ = buf4[at4_ + j_];                                                             \
            result += v_.x * regs[4 * j_] + v_.y * regs[4 * j_ + 1] + v_.z * regs[4 * j_ + 2] + v_.w * regs[4 * j_ + 3]; \
        }                                                                                                \
    } else {                                                                                             \
        for (uint j_ = 0; j_ < HEAD_WIDTH; j_++) result += regs[j_] * buf[(base) + j_];                  \
    }

// regs[j] += weight * buf[base + j]
#define HEAD_AXPY(regs, weight, buf, buf4, base)                                                         \
    if (HEAD_VEC4) {                                                                                     \
        const uint at4_ = (base) / 4;                                                                    \
        for (uint j_ = 0; j_ < HEAD_WIDTH / 4; j_++) {                                                   \
            const vec4 v_ = buf4[at4_ + j_];                                                             \
            regs[4 * j_] += (weight) * v_.x;                                                             \
            regs[4 * j_ + 1] += (weight) * v_.y;                                                         \
            regs[4 * j_ + 2] += (weight) * v_.z;                                                         \
            regs[4 * j_ + 3] += (weight) * v_.w;                                                         \
        }                                                                                                \
    } else {                                                                                             \
        for (uint j_ = 0; j_ < HEAD_WIDTH; j_++) regs[j_] += (weight) * buf[(base) + j_];                \
    }

#endif
