#version 450
// Superpixel hard assignment (forward only): labels[b, y, x] = the cell (row-major index) among the pixel's 3 x 3
// neighbour cells whose centre is nearest, i.e. the argmax of the soft assignment; ties go to the first neighbour slot.
#include "common.glsl"
#include "superpixel_neighbourhood.glsl"
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Features { float features[]; };
layout(std430, binding = 1) readonly buffer Centres { float centres[]; };
layout(std430, binding = 2) writeonly buffer Labels { int labels[]; };
layout(push_constant) uniform Params { uint batch; uint channels; uint height; uint width; uint gridH; uint gridW; } p;

void main() {
    uint i = linear_index();
    uint plane = p.height * p.width;
    if (i >= p.batch * plane) return;
    uint b = i / plane;
    uint q = i % plane;
    uint cells = p.gridH * p.gridW;
    int best = -1;
    float bestDistance = 1.0 / 0.0;
    for (uint j = 0; j < NEIGHBOURS; j++) {
        int g = neighbourCell(q / p.width, q % p.width, j, p.height, p.width, p.gridH, p.gridW);
        if (g < 0) continue;
        float distance = 0.0;
        for (uint c = 0; c < p.channels; c++) {
            float d = features[(b * p.channels + c) * plane + q] - centres[(b * p.channels + c) * cells + uint(g)];
            distance += d * d;
        }
        if (best < 0 || distance < bestDistance) { best = g; bestDistance = distance; }
    }
    labels[i] = best;
}
