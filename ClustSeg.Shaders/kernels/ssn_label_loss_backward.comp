#version 450
// Backward of ssn_label_loss.comp: reconGrad[b, k, y, x] = -g / (count (recon + 1e-8)) at the pixel's label, 0 at
// the other classes and at unlabelled pixels; g = lossGrad[0]. One invocation per element of recon.
#include "common.glsl"
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Recon { float recon[]; };
layout(std430, binding = 1) readonly buffer Labels { int labels[]; };
layout(std430, binding = 2) readonly buffer Count { float labelledCount[]; };
layout(std430, binding = 3) readonly buffer LossGrad { float lossGrad[]; };
layout(std430, binding = 4) writeonly buffer ReconGrad { float reconGrad[]; };
layout(push_constant) uniform Params { uint batch; uint classes; uint plane; } p;

const float LOG_EPSILON = 1e-8;

void main() {
    uint i = linear_index();
    if (i >= p.batch * p.classes * p.plane) return;
    uint q = i % p.plane;
    uint bk = i / p.plane;
    uint b = bk / p.classes;
    uint k = bk % p.classes;
    int label = labels[b * p.plane + q];
    bool counted = label == int(k) && labelledCount[0] > 0.0;
    reconGrad[i] = counted ? -lossGrad[0] / (labelledCount[0] * (recon[i] + LOG_EPSILON)) : 0.0;
}
