// PyTorch's bilinear rule with align_corners = false, shared by the forward and the backward so that both see the
// very same taps: source = (dst + 0.5) * in / out - 0.5, clamped at 0; taps floor(source) and the next one (the
// last row/column repeats itself); weights 1 - frac and frac.
#ifndef CLUSTSEG_BILINEAR_GLSL
#define CLUSTSEG_BILINEAR_GLSL

struct Taps {
    uint first;
    uint second;
    float second_weight; // the first tap gets 1 - second_weight
};

Taps bilinear_taps(uint dst, float scale, uint in_size) {
    float source = max((float(dst) + 0.5) * scale - 0.5, 0.0);
    uint first = min(uint(source), in_size - 1);
    Taps taps;
    taps.first = first;
    taps.second = first < in_size - 1 ? first + 1 : first;
    taps.second_weight = source - float(first);
    return taps;
}

// Weight with which input position `src` enters output position `dst` along one axis.
float bilinear_weight(uint dst, uint src, float scale, uint in_size) {
    Taps taps = bilinear_taps(dst, scale, in_size);
    float w = 0.0;
    if (taps.first == src) w += 1.0 - taps.second_weight;
    if (taps.second == src) w += taps.second_weight;
    return w;
}

#endif
