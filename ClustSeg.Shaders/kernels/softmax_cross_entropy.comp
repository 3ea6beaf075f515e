#version 450
// Softmax cross-entropy over the class axis (axis 1 of logits [outer, classes, inner]) with an ignore label,
// mean over non-ignored elements weighted as torch.nn.functional.cross_entropy does:
//   loss = sum_i w[y_i] nll_i / sum_i w[y_i],  nll_i = logsumexp_c(x_i) - x_i[y_i].
// Labels outside [0, classes) (255 in practice) are ignored. Two dispatches (STAGE): 0 writes per-workgroup partial
// sums (weighted nll, weight) to partials; 1 sums the partials in one workgroup and writes loss[0] and
// weightTotal[0] (kept for backward). With no counted element the loss is 0 (torch would give NaN).
#include "common.glsl"
#include "workgroup_sum.glsl"
layout(local_size_x = REDUCE_GROUP) in;
layout(constant_id = 0) const uint STAGE = 0;
layout(constant_id = 1) const bool WEIGHTED = false;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) readonly buffer Labels { int labels[]; };
layout(std430, binding = 2) readonly buffer ClassWeights { float classWeights[]; };
layout(std430, binding = 3) buffer Partials { vec2 partials[]; };
layout(std430, binding = 4) writeonly buffer Loss { float loss[]; };
layout(std430, binding = 5) writeonly buffer WeightTotal { float weightTotal[]; };
layout(push_constant) uniform Params { uint outer; uint classes; uint inner; uint partialCount; } p;

vec2 elementTerms(uint i) {
    if (i >= p.outer * p.inner) return vec2(0.0);
    int label = labels[i];
    if (label < 0 || uint(label) >= p.classes) return vec2(0.0);
    uint base = (i / p.inner) * p.classes * p.inner + i % p.inner;
    float largest = -1.0 / 0.0;
    for (uint c = 0; c < p.classes; c++) largest = max(largest, logits[base + c * p.inner]);
    float total = 0.0;
    for (uint c = 0; c < p.classes; c++) total += exp(logits[base + c * p.inner] - largest);
    float nll = log(total) + largest - logits[base + uint(label) * p.inner];
    float weight = WEIGHTED ? classWeights[label] : 1.0;
    return vec2(weight * nll, weight);
}

void main() {
    if (STAGE == 0) {
        vec4 sum = workgroupSum(vec4(elementTerms(linear_index()), 0.0, 0.0));
        // Past 65535 groups the grid is padded (Groups.For1D): padding groups must not write beyond the partials.
        if (gl_LocalInvocationIndex == 0 && linear_group() < p.partialCount) partials[linear_group()] = sum.xy;
    } else {
        vec2 mine = vec2(0.0);
        for (uint i = gl_LocalInvocationIndex; i < p.partialCount; i += REDUCE_GROUP) mine += partials[i];
        vec4 sum = workgroupSum(vec4(mine, 0.0, 0.0));
        if (gl_LocalInvocationIndex == 0) {
            loss[0] = sum.y > 0.0 ? sum.x / sum.y : 0.0;
            weightTotal[0] = sum.y;
        }
    }
}
