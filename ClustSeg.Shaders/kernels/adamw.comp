#version 450
// One AdamW step on one parameter tensor, in the order and form of torch.optim.AdamW (amsgrad off):
//   param *= 1 - lr wd;  m = lerp(m, g, 1 - beta1);  v = beta2 v + (1 - beta2) g^2
//   param -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// t is the 1-based step count. The host turns it into the bias corrections in double precision, as torch does in
// Python (1 - beta2^t in float32 loses most of its digits to cancellation), and passes lr / (1 - beta1^t) and
// sqrt(1 - beta2^t); likewise 1 - lr wd, 1 - beta1 and 1 - beta2 are formed in double and rounded once, as torch's
// scalar arguments are. The decay mask is per tensor: the host passes wd = 0 for tensors not decayed.
// With maxNorm > 0 the gradient is first clipped by the global norm, g *= min(1, maxNorm / (norm[0] + 1e-6)), as
// torch.nn.utils.clip_grad_norm_ does in place before the step; doing it here saves a pass over every gradient.
// Each invocation updates four neighbouring elements, through vec4 views where all four exist: llvmpipe runs every
// storage access as a loop over the SIMD lanes, so whole-vec4 accesses quarter the loops of this memory-bound kernel.
#include "common.glsl"
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) buffer Params { float params[]; };
layout(std430, binding = 0) buffer Params4 { vec4 params4[]; };
layout(std430, binding = 1) readonly buffer Grads { float grads[]; };
layout(std430, binding = 1) readonly buffer Grads4 { vec4 grads4[]; };
layout(std430, binding = 2) buffer FirstMoment { float firstMoment[]; };
layout(std430, binding = 2) buffer FirstMoment4 { vec4 firstMoment4[]; };
layout(std430, binding = 3) buffer SecondMoment { float secondMoment[]; };
layout(std430, binding = 3) buffer SecondMoment4 { vec4 secondMoment4[]; };
layout(std430, binding = 4) readonly buffer Norm { float norm[]; }; // the global gradient norm (any tensor when maxNorm is 0)
layout(push_constant) uniform Push {
    uint count; float decayFactor; float oneMinusBeta1; float beta2; float oneMinusBeta2; float eps; float stepSize;
    float correction2Sqrt; float maxNorm;
} p;

// Written once for float and vec4 (the arithmetic is element-wise).
#define ADAMW_UPDATE(T, param_in, g, m_in, v_in, param_out, m_out, v_out)                                   \
    {                                                                                                          \
        const T g_ = g, m0_ = m_in;                                                                            \
        const T param_ = (param_in) * p.decayFactor;                                                           \
        const T m_ = m0_ + p.oneMinusBeta1 * (g_ - m0_); /* torch lerp_ for weights below 0.5 */               \
        const T v_ = (v_in) * p.beta2 + p.oneMinusBeta2 * g_ * g_;                                             \
        param_out = param_ - p.stepSize * m_ / (sqrt(v_) / p.correction2Sqrt + p.eps);                        \
        m_out = m_;                                                                                            \
        v_out = v_;                                                                                            \
    }

void main() {
    const uint quad = linear_index();
    const uint first = 4 * quad;
    if (first >= p.count) return;
    const float clip = p.maxNorm > 0.0 ? min(1.0, p.maxNorm / (norm[0] + 1e-6)) : 1.0;
    if (first + 4 <= p.count) {
        ADAMW_UPDATE(vec4, params4[quad], grads4[quad] * clip, firstMoment4[quad], secondMoment4[quad],
            params4[quad], firstMoment4[quad], secondMoment4[quad])
    } else {
        for (uint i = first; i < p.count; i++)
            ADAMW_UPDATE(float, params[i], grads[i] * clip, firstMoment[i], secondMoment[i], params[i], firstMoment[i], secondMoment[i])
    }
}
