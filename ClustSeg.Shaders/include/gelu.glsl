// GELU in its exact (erf) form, PyTorch's default, and its derivative. GLSL has no erf, so erfc comes from a
// Chebyshev-fitted exponential form with fractional error below 1.2e-7 everywhere (Numerical Recipes' erfcc).
#ifndef CLUSTSEG_GELU_GLSL
#define CLUSTSEG_GELU_GLSL

float erf_approx(float z) {
    float a = abs(z);
    float t = 1.0 / (1.0 + 0.5 * a);
    float poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                 t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    float erfc_abs = t * exp(-a * a + poly);
    return z >= 0.0 ? 1.0 - erfc_abs : erfc_abs - 1.0;
}

// gelu(x) = x * Phi(x), Phi the standard normal CDF.
float gelu(float x) {
    return 0.5 * x * (1.0 + erf_approx(x * 0.70710678118654752));
}

// d gelu / dx = Phi(x) + x * phi(x).
float gelu_derivative(float x) {
    float cdf = 0.5 * (1.0 + erf_approx(x * 0.70710678118654752));
    float pdf = 0.39894228040143268 * exp(-0.5 * x * x);
    return cdf + x * pdf;
}

#endif
