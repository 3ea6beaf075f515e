#version 450
// Gradient clipping by a scale factor, in place: grads *= s (forward only). FROM_NORM false: s = scale from the
// push constants (computed on the host). FROM_NORM true: s = min(1, maxNorm / (norm[0] + 1e-6)) from the global
// norm on the device, as torch.nn.utils.clip_grad_norm_ computes it, so no host round trip is needed.
#include "common.glsl"
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool FROM_NORM = false;

layout(std430, binding = 0) buffer Grads { float grads[]; };
layout(std430, binding = 1) readonly buffer Norm { float norm[]; };
layout(push_constant) uniform Push { uint count; float scaleOrMaxNorm; } p;

void main() {
    uint i = linear_index();
    if (i >= p.count) return;
    float s = FROM_NORM ? min(1.0, p.scaleOrMaxNorm / (norm[0] + 1e-6)) : p.scaleOrMaxNorm;
    grads[i] *= s;
}
