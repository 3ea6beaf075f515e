#version 450
// One AdamW step on one parameter tensor, in the order and form of torch.optim.AdamW (amsgrad off):
//   param *= 1 - lr wd;  m = lerp(m, g, 1 - beta1);  v = beta2 v + (1 - beta2) g^2
//   param -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// t is the 1-based step count. The host turns it into the bias corrections in double precision, as torch does in
// Python (1 - beta2^t in float32 loses most of its digits to cancellation), and passes lr / (1 - beta1^t) and
// sqrt(1 - beta2^t); likewise 1 - lr wd, 1 - beta1 and 1 - beta2 are formed in double and rounded once, as torch's
// scalar arguments are. The decay mask is per tensor: the host passes wd = 0 for tensors not decayed.
#include "common.glsl"
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) buffer Params { float params[]; };
layout(std430, binding = 1) readonly buffer Grads { float grads[]; };
layout(std430, binding = 2) buffer FirstMoment { float firstMoment[]; };
layout(std430, binding = 3) buffer SecondMoment { float secondMoment[]; };
layout(push_constant) uniform Push {
    uint count; float decayFactor; float oneMinusBeta1; float beta2; float oneMinusBeta2; float eps; float stepSize;
    float correction2Sqrt;
} p;

void main() {
    uint i = linear_index();
    if (i >= p.count) return;
    float g = grads[i];
    float param = params[i] * p.decayFactor;
    float m = firstMoment[i] + p.oneMinusBeta1 * (g - firstMoment[i]); // torch lerp_ for weights below 0.5
    float v = secondMoment[i] * p.beta2 + p.oneMinusBeta2 * g * g;
    params[i] = param - p.stepSize * m / (sqrt(v) / p.correction2Sqrt + p.eps);
    firstMoment[i] = m;
    secondMoment[i] = v;
}
