#version 450
// Backward of dice_loss.comp. With a = 2 sum p t + 1 and d = sum p + sum t + 1 of mask m:
//   dl_m/dp_i = (a - 2 t_i d) / d^2,  dx_i = g / masks * dl_m/dp_i * p_i (1 - p_i),  g = lossGrad[0].
#include "common.glsl"
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) readonly buffer Targets { float targets[]; };
layout(std430, binding = 2) readonly buffer MaskStats { float maskStats[]; };
layout(std430, binding = 3) readonly buffer LossGrad { float lossGrad[]; };
layout(std430, binding = 4) writeonly buffer LogitsGrad { float logitsGrad[]; };
layout(push_constant) uniform Params { uint masks; uint pixels; } p;

void main() {
    uint i = linear_index();
    if (i >= p.masks * p.pixels) return;
    uint m = i / p.pixels;
    float a = 2.0 * maskStats[3 * m] + 1.0;
    float d = maskStats[3 * m + 1] + maskStats[3 * m + 2] + 1.0;
    float probability = 1.0 / (1.0 + exp(-logits[i]));
    float gradP = (a - 2.0 * targets[i] * d) / (d * d);
    logitsGrad[i] = lossGrad[0] / float(p.masks) * gradP * probability * (1.0 - probability);
}
