using ClustSeg.Runtime.Imaging;

namespace ClustSeg.Tests.Imaging;

public sealed class GaussianBlurTests
{
    [Theory]
    [InlineData(13, 29, 1.5f)]
    [InlineData(5, 4, 1.5f)]  // narrower than the kernel: every output touches a clamped edge
    [InlineData(17, 11, 0.7f)]
    public void MatchesAClampedSeparableReference(int height, int width, float sigma)
    {
        var random = new Random(3);
        var plane = Enumerable.Range(0, height * width).Select(_ => (float)random.NextDouble() * 100f).ToArray();
        var expected = Reference(plane, height, width, sigma);
        GaussianBlur.Apply(plane, height, width, sigma);
        for (var i = 0; i < plane.Length; i++) Assert.True(Math.Abs(plane[i] - expected[i]) < 1e-3, $"pixel {i}: {plane[i]} vs {expected[i]}");
    }

    [Fact]
    public void KeepsAConstantPlaneConstant()
    {
        var plane = Enumerable.Repeat(42f, 9 * 14).ToArray();
        GaussianBlur.Apply(plane, 9, 14, 1.5f);
        Assert.All(plane, v => Assert.Equal(42f, v, 4));
    }

    private static double[] Reference(float[] plane, int height, int width, float sigma)
    {
        var radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var weights = Enumerable.Range(-radius, 2 * radius + 1).Select(i => Math.Exp(-0.5 * i * i / (sigma * sigma))).ToArray();
        var total = weights.Sum();
        var result = new double[plane.Length];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                double sum = 0;
                for (var dy = -radius; dy <= radius; dy++)
                    for (var dx = -radius; dx <= radius; dx++)
                        sum += weights[dy + radius] * weights[dx + radius] / (total * total) *
                               plane[Math.Clamp(y + dy, 0, height - 1) * width + Math.Clamp(x + dx, 0, width - 1)];
                result[y * width + x] = sum;
            }
        return result;
    }
}
