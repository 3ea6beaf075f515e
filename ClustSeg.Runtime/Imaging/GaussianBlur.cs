using System.Numerics;

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
        // Both passes add whole shifted rows times one weight (vectorised), so no per-pixel tap loop; the columns a
        // shift would read past the row's ends take the clamped edge value instead.
        var padded = new float[width + 2 * radius];
        for (var y = 0; y < height; y++)
        {
            var row = plane.Slice(y * width, width);
            padded.AsSpan(0, radius).Fill(row[0]);
            row.CopyTo(padded.AsSpan(radius));
            padded.AsSpan(radius + width).Fill(row[^1]);
            var output = temp.AsSpan(y * width, width);
            output.Clear();
            for (var k = 0; k <= 2 * radius; k++) AddScaled(output, padded.AsSpan(k, width), weights[k]);
        }
        for (var y = 0; y < height; y++)
        {
            var output = plane.Slice(y * width, width);
            output.Clear();
            for (var k = -radius; k <= radius; k++)
                AddScaled(output, temp.AsSpan(Math.Clamp(y + k, 0, height - 1) * width, width), weights[k + radius]);
        }
    }

    /// <summary>destination += weight * source, a vector at a time.</summary>
    private static void AddScaled(Span<float> destination, ReadOnlySpan<float> source, float weight)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = new Vector<float>(weight);
            for (; i <= destination.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var d = new Vector<float>(destination[i..]);
                (d + w * new Vector<float>(source[i..])).CopyTo(destination[i..]);
            }
        }
        for (; i < destination.Length; i++) destination[i] += weight * source[i];
    }
}
