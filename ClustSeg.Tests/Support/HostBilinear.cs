namespace ClustSeg.Tests.Support;

/// <summary>
/// A host reference for resampled mask logits: one output value of a bilinear resize of planes [K, inH, inW] to
/// [K, outH, outW] by PyTorch's align_corners = false rule, with the source scale in float as the device computes it.
/// </summary>
public static class HostBilinear
{
    public static double At(float[] planes, int k, int inH, int inW, int outH, int outW, int y, int x)
    {
        var (y0, y1, wy) = Taps(y, inH, outH);
        var (x0, x1, wx) = Taps(x, inW, outW);
        double Value(int yy, int xx) => planes[(k * inH + yy) * inW + xx];
        return (1 - wy) * ((1 - wx) * Value(y0, x0) + wx * Value(y0, x1)) + wy * ((1 - wx) * Value(y1, x0) + wx * Value(y1, x1));
    }

    /// <summary>
    /// Asserts that <paramref name="labels"/> (width x height, row-major) are the per-pixel argmax over
    /// <paramref name="classes"/> of <paramref name="planes"/> [classes, inH, inW] resized to outH x outW and cropped
    /// at the top left; only near ties (float rounding between device and host) may pick another class, and few do.
    /// </summary>
    public static void AssertArgmaxLabels(IReadOnlyList<byte> labels, int width, int height, float[] planes, int classes, int inH, int inW, int outH, int outW)
    {
        var mismatches = 0;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var values = Enumerable.Range(0, classes).Select(k => At(planes, k, inH, inW, outH, outW, y, x)).ToArray();
                var expected = Array.IndexOf(values, values.Max());
                var got = labels[y * width + x];
                if (got == expected) continue;
                Assert.True(Math.Abs(values[got] - values[expected]) < 1e-4, $"pixel ({x}, {y}): {got} instead of {expected}");
                mismatches++;
            }
        Assert.True(mismatches < 5, $"{mismatches} near-tie mismatches");
    }

    private static (int I0, int I1, double W1) Taps(int dst, int inSize, int outSize)
    {
        var source = Math.Max(0, (dst + 0.5) * ((float)inSize / outSize) - 0.5);
        var i0 = Math.Min((int)source, inSize - 1);
        return (i0, Math.Min(i0 + 1, inSize - 1), source - i0);
    }
}
