#version 450
// Backward of mse_loss.comp to the prediction: grad_i = 2 g (a_i - b_i) / count, g = lossGrad[0].
#include "common.glsl"
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Prediction { float prediction[]; };
layout(std430, binding = 1) readonly buffer Target { float target[]; };
layout(std430, binding = 2) readonly buffer LossGrad { float lossGrad[]; };
layout(std430, binding = 3) writeonly buffer PredictionGrad { float predictionGrad[]; };
layout(push_constant) uniform Params { uint count; } p;

void main() {
    uint i = linear_index();
    if (i >= p.count) return;
    predictionGrad[i] = 2.0 * lossGrad[0] * (prediction[i] - target[i]) / float(p.count);
}
