#version 450
// Fused superpixel EM step for inference (forward only): the E-step of superpixel_assign.comp and the sums of the
// M-step of superpixel_centres.comp in one pass over the pixels. Training keeps the two separate kernels, whose
// stored assignment the backward needs.
// One workgroup per home cell. All its pixels see the same 9 neighbouring centres, so they are loaded once per
// workgroup rather than once per pixel (per-lane gathers are what CPU drivers pay most for), and each lane adds its
// pixels' assignment-weighted features for the 9 slots in registers, where the unfused M-step reads every pixel's
// assignment and features again for each of the 9 cells that see it. Lanes write their partial sums;
// superpixel_em_reduce.comp adds them up per cell. With LABELS the pass writes the hard assignment instead.
#include "common.glsl"
#include "superpixel_grid.glsl"
#extension GL_EXT_control_flow_attributes : require
// Feature channels, fixed per pipeline so the channel loops unroll and the centres stay in registers.
layout(constant_id = 0) const int CHANNELS = 5;
layout(local_size_x_id = 1) in;
layout(constant_id = 2) const bool LABELS = false;
layout(binding = 0) uniform samplerBuffer f;                            // [B, C, N], read through texel_element (common.glsl)
layout(std430, binding = 1) readonly buffer Centres { float cen[]; };     // [B, C, K]
layout(std430, binding = 2) writeonly buffer Partials { float part[]; };  // [B, K, lanes, 9, C + 1]: mass, then sums
layout(std430, binding = 3) writeonly buffer Labels { int labels[]; };    // [B, N]
layout(push_constant) uniform Params { int B; int H; int W; int gh; int gw; } p;

const int STRIDE = CHANNELS + 1;

void main() {
    int N = p.H * p.W, K = p.gh * p.gw;
    int home = int(gl_WorkGroupID.x), b = int(gl_WorkGroupID.y);
    int lane = int(gl_LocalInvocationID.x), lanes = int(gl_WorkGroupSize.x);
    int hr = div_floor(home, p.gw), hc = home - hr * p.gw;
    int y0 = first_row_of_cell(hr, p.H, p.gh), y1 = first_row_of_cell(hr + 1, p.H, p.gh);
    int x0 = first_row_of_cell(hc, p.W, p.gw), x1 = first_row_of_cell(hc + 1, p.W, p.gw);
    int cellWidth = x1 - x0, count = (y1 - y0) * cellWidth;

    float c9[9][CHANNELS];
    bool valid[9];
    [[unroll]] for (int j = 0; j < 9; j++) {
        int k = slot_cell(j, hr, hc, p.gh, p.gw);
        valid[j] = k >= 0;
        [[unroll]] for (int c = 0; c < CHANNELS; c++) c9[j][c] = valid[j] ? cen[(b * CHANNELS + c) * K + k] : 0.0;
    }
    float acc[9][STRIDE];
    [[unroll]] for (int j = 0; j < 9; j++)
        [[unroll]] for (int c = 0; c < STRIDE; c++) acc[j][c] = 0.0;

    for (int i = lane; i < count; i += lanes) {
        int dy = div_floor(i, cellWidth);
        int n = (y0 + dy) * p.W + x0 + i - dy * cellWidth;
        float fv[CHANNELS];
        // Texel fetches: llvmpipe gathers them in one vector instruction, where a storage-buffer load is a loop over
        // the SIMD lanes; the pixel's 25 feature loads were most of this kernel's time with 25 channels.
        [[unroll]] for (int c = 0; c < CHANNELS; c++) fv[c] = texel_element(f, uint((b * CHANNELS + c) * N + n));
        float logits[9];
        float best = -3.4e38;
        int bestSlot = 4;
        [[unroll]] for (int j = 0; j < 9; j++) {
            float d = 0.0;
            [[unroll]] for (int c = 0; c < CHANNELS; c++) {
                float diff = fv[c] - c9[j][c];
                d += diff * diff;
            }
            logits[j] = -d;
            // The first slot with the largest logit, as superpixel_labels.comp picks the first largest assignment.
            if (valid[j] && -d > best) { best = -d; bestSlot = j; }
        }
        if (LABELS) {
            labels[b * N + n] = slot_cell(bestSlot, hr, hc, p.gh, p.gw);
            continue;
        }
        float e[9];
        float total = 0.0;
        [[unroll]] for (int j = 0; j < 9; j++) {
            e[j] = valid[j] ? exp(logits[j] - best) : 0.0;
            total += e[j];
        }
        float inv = 1.0 / total;
        [[unroll]] for (int j = 0; j < 9; j++) {
            float a = e[j] * inv;
            acc[j][0] += a;
            [[unroll]] for (int c = 0; c < CHANNELS; c++) acc[j][c + 1] += a * fv[c];
        }
    }
    if (LABELS) return;
    int base = ((b * K + home) * lanes + lane) * 9 * STRIDE;
    [[unroll]] for (int j = 0; j < 9; j++)
        [[unroll]] for (int c = 0; c < STRIDE; c++) part[base + j * STRIDE + c] = acc[j][c];
}
