#version 450
// Hungarian matching cost for every (prediction q, target t) pair of each image (forward only), clustseg.md
// "Losses": cost = wClass CE_class + wMask BCE_mask + wDice dice, with
//   CE_class = -log softmax(classLogits[q])[class_t]
//   BCE_mask = mean_i softplus(x_qi) - x_qi t_ti                      (sigmoid BCE with logits, mean over pixels)
//   dice     = 1 - (2 sum_i p_qi t_ti + 1) / (sum_i p_qi + sum_i t_ti + 1),  p = sigmoid(x)
// Two dispatches (STAGE): 0, per (image, prediction), the terms that do not depend on the target into
// predictionStats[b, q] = (logsumexp of class logits, sum softplus(x), sum p); 1, per (image, prediction, target),
// the cost. A target class outside [0, classes) contributes no class term (padding targets: ignore those columns).
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint STAGE = 0;

layout(std430, binding = 0) readonly buffer ClassLogits { float classLogits[]; };
layout(std430, binding = 1) readonly buffer MaskLogits { float maskLogits[]; };
layout(std430, binding = 2) readonly buffer TargetClasses { int targetClasses[]; };
layout(std430, binding = 3) readonly buffer TargetMasks { float targetMasks[]; };
layout(std430, binding = 4) buffer PredictionStats { float predictionStats[]; };
layout(std430, binding = 5) writeonly buffer Cost { float cost[]; };
layout(push_constant) uniform Params {
    uint batch; uint predictions; uint targets; uint classes; uint pixels;
    float classWeight; float maskWeight; float diceWeight;
} p;

void predictionTerms(uint i) {
    if (i >= p.batch * p.predictions) return;
    uint classBase = i * p.classes;
    float largest = -1.0 / 0.0;
    for (uint c = 0; c < p.classes; c++) largest = max(largest, classLogits[classBase + c]);
    float total = 0.0;
    for (uint c = 0; c < p.classes; c++) total += exp(classLogits[classBase + c] - largest);
    float softplusSum = 0.0;
    float probabilitySum = 0.0;
    for (uint n = 0; n < p.pixels; n++) {
        float x = maskLogits[i * p.pixels + n];
        softplusSum += max(x, 0.0) + log(1.0 + exp(-abs(x)));
        probabilitySum += 1.0 / (1.0 + exp(-x));
    }
    predictionStats[3 * i] = largest + log(total);
    predictionStats[3 * i + 1] = softplusSum;
    predictionStats[3 * i + 2] = probabilitySum;
}

void pairCost(uint i) {
    if (i >= p.batch * p.predictions * p.targets) return;
    uint t = i % p.targets;
    uint bq = i / p.targets;
    uint b = bq / p.predictions;
    uint maskBase = bq * p.pixels;
    uint targetBase = (b * p.targets + t) * p.pixels;
    float logitTarget = 0.0;
    float probabilityTarget = 0.0;
    float targetSum = 0.0;
    for (uint n = 0; n < p.pixels; n++) {
        float x = maskLogits[maskBase + n];
        float target = targetMasks[targetBase + n];
        logitTarget += x * target;
        probabilityTarget += target / (1.0 + exp(-x));
        targetSum += target;
    }
    int label = targetClasses[b * p.targets + t];
    float classCost = (label >= 0 && uint(label) < p.classes) ? predictionStats[3 * bq] - classLogits[bq * p.classes + uint(label)] : 0.0;
    float bce = (predictionStats[3 * bq + 1] - logitTarget) / float(max(p.pixels, 1u));
    float dice = 1.0 - (2.0 * probabilityTarget + 1.0) / (predictionStats[3 * bq + 2] + targetSum + 1.0);
    cost[i] = p.classWeight * classCost + p.maskWeight * bce + p.diceWeight * dice;
}

void main() {
    if (STAGE == 0) predictionTerms(linear_index());
    else pairCost(linear_index());
}
