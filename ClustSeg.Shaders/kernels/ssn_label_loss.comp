#version 450
// SSN label reconstruction loss (forward): cross-entropy of the reconstructed label distribution
// (ssn_reconstruct.comp with labels) against the one-hot ground truth,
//   loss = mean over labelled pixels of -log(recon[b, label, y, x] + 1e-8)
// (ours: the 1e-8 keeps the log finite where a label got no mass). Labels outside [0, classes) are not counted.
// Two dispatches (STAGE): 0 partial sums (loss, count) per workgroup; 1 one workgroup writes loss[0], count[0].
#include "common.glsl"
#include "workgroup_sum.glsl"
layout(local_size_x = REDUCE_GROUP) in;
layout(constant_id = 0) const uint STAGE = 0;

layout(std430, binding = 0) readonly buffer Recon { float recon[]; };
layout(std430, binding = 1) readonly buffer Labels { int labels[]; };
layout(std430, binding = 2) buffer Partials { vec2 partials[]; };
layout(std430, binding = 3) writeonly buffer Loss { float loss[]; };
layout(std430, binding = 4) writeonly buffer Count { float labelledCount[]; };
layout(push_constant) uniform Params { uint batch; uint classes; uint plane; uint partialCount; } p;

const float LOG_EPSILON = 1e-8;

vec2 pixelTerm(uint i) {
    if (i >= p.batch * p.plane) return vec2(0.0);
    int label = labels[i];
    if (label < 0 || uint(label) >= p.classes) return vec2(0.0);
    float r = recon[((i / p.plane) * p.classes + uint(label)) * p.plane + i % p.plane];
    return vec2(-log(r + LOG_EPSILON), 1.0);
}

void main() {
    if (STAGE == 0) {
        vec4 sum = workgroupSum(vec4(pixelTerm(linear_index()), 0.0, 0.0));
        // Past 65535 groups the grid is padded (Groups.For1D): padding groups must not write beyond the partials.
        if (gl_LocalInvocationIndex == 0 && linear_group() < p.partialCount) partials[linear_group()] = sum.xy;
    } else {
        vec2 mine = vec2(0.0);
        for (uint i = gl_LocalInvocationIndex; i < p.partialCount; i += REDUCE_GROUP) mine += partials[i];
        vec4 sum = workgroupSum(vec4(mine, 0.0, 0.0));
        if (gl_LocalInvocationIndex == 0) {
            loss[0] = sum.y > 0.0 ? sum.x / sum.y : 0.0;
            labelledCount[0] = sum.y;
        }
    }
}
