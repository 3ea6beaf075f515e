namespace ClustSeg.Runtime.Imaging;

/// <summary>Separable Gaussian blur of one float plane, edges clamped (replicated).</summary>
public static class GaussianBlur
{
    /// <summary>Blurs <paramref name="plane"/> (row-major, <paramref name="height"/> x <paramref name="width"/>) in place.</summary>
    public static void Apply(Span<float> plane, int height, int width, float sigma)
    {
        if (plane.Length != height * width) throw new ArgumentException($"A {height}x{width} plane needs {height * width} values, got {plane.Length}.");
        if (sigma <= 0) return;
        var radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var weights = new float[2 * radius + 1];
        double total = 0;
        for (var i = -radius; i <= radius; i++) total += weights[i + radius] = (float)Math.Exp(-0.5 * i * i / (sigma * sigma));
        for (var i = 0; i < weights.Length; i++) weights[i] = (float)(weights[i] / total);

        var temp = new float[plane.Length];
        for (var y = 0; y < height; y++)
        {
            var row = plane.Slice(y * width, width);
            var output = temp.AsSpan(y * width, width);
            for (var x = 0; x < width; x++)
            {
                float sum = 0;
                // Clamping only near the ends: the interior loop stays free of bounds arithmetic.
                if (x >= radius && x + radius < width)
                    for (var k = -radius; k <= radius; k++) sum += weights[k + radius] * row[x + k];
                else
                    for (var k = -radius; k <= radius; k++) sum += weights[k + radius] * row[Math.Clamp(x + k, 0, width - 1)];
                output[x] = sum;
            }
        }
        // Vertical pass row by row (whole source rows times one weight), so memory is read in order.
        for (var y = 0; y < height; y++)
        {
            var output = plane.Slice(y * width, width);
            output.Clear();
            for (var k = -radius; k <= radius; k++)
            {
                var source = temp.AsSpan(Math.Clamp(y + k, 0, height - 1) * width, width);
                var weight = weights[k + radius];
                for (var x = 0; x < width; x++) output[x] += weight * source[x];
            }
        }
    }
}
