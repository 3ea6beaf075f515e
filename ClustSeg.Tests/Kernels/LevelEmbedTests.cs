using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class LevelEmbedTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private static double[] Reference(double[] x, double[] level, int l, double[]? position, int n, int c, int hw)
    {
        var y = new double[x.Length];
        for (var b = 0; b < n; b++)
        for (var k = 0; k < c; k++)
        for (var p = 0; p < hw; p++)
            y[(b * c + k) * hw + p] = x[(b * c + k) * hw + p] + level[l * c + k] + (position?[k * hw + p] ?? 0);
        return y;
    }

    private static double[] ReferenceLevelGradient(double[] dy, int levels, int l, int n, int c, int hw)
    {
        var dlevel = new double[levels * c];
        for (var b = 0; b < n; b++)
        for (var k = 0; k < c; k++)
        for (var p = 0; p < hw; p++) dlevel[l * c + k] += dy[(b * c + k) * hw + p];
        return dlevel;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ForwardMatchesReference(bool withPosition)
    {
        const int n = 2, c = 12, h = 5, w = 7, levels = 3;
        var x = Numerics.RoundToFloat(Numerics.Random(n * c * h * w, 1));
        var level = Numerics.RoundToFloat(Numerics.Random(levels * c, 2));
        var position = Numerics.RoundToFloat(Numerics.Random(c * h * w, 3));
        var tx = Device.Upload("x", x, n, c, h, w);
        var tl = Device.Upload("level", level, levels, c);
        var tp = Device.Upload("P", position, c, h, w);
        var ty = Device.Poisoned("y", n, c, h, w);
        using (var recorder = Device.BeginRecording())
        {
            recorder.LevelEmbedAdd(tx, tl, 1, ty, withPosition ? tp : null);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ty), Reference(x, level, 1, withPosition ? position : null, n, c, h * w));
    }

    [Theory]
    [InlineData(3, 5, 17, 19)] // planes larger than a workgroup
    [InlineData(2, 2, 91, 97)] // planes large enough for the widest workgroup
    public void LevelGradientMatchesReferenceAndFiniteDifferences(int n, int c, int h, int w)
    {
        const int levels = 3;
        var dy = Numerics.RoundToFloat(Numerics.Random(n * c * h * w, 4));
        var x = Numerics.Random(n * c * h * w, 5);
        var level = Numerics.Random(levels * c, 6);
        var expected = ReferenceLevelGradient(dy, levels, 2, n, c, h * w);
        Numerics.AssertClose(expected, Numerics.NumericGradient(v => Reference(x, v, 2, null, n, c, h * w), level, dy), 1e-7, "dlevel");

        var previous = Numerics.RoundToFloat(Numerics.Random(levels * c, 7));
        var tdy = Device.Upload("dy", dy, n, c, h, w);
        var written = Device.Upload("dlevel", previous, levels, c);
        var accumulated = Device.Upload("dlevelAcc", previous, levels, c);
        using (var recorder = Device.BeginRecording())
        {
            recorder.LevelEmbedAddBackward(tdy, written, 2);
            recorder.LevelEmbedAddBackward(tdy, accumulated, 2, accumulate: true);
            recorder.Submit();
        }
        var writtenExpected = (double[])previous.Clone();
        var accumulatedExpected = (double[])previous.Clone();
        for (var k = 0; k < c; k++)
        {
            writtenExpected[2 * c + k] = expected[2 * c + k];
            accumulatedExpected[2 * c + k] += expected[2 * c + k];
        }
        Numerics.AssertClose(Device.Read(written), writtenExpected, what: "dlevel (other rows untouched)");
        Numerics.AssertClose(Device.Read(accumulated), accumulatedExpected, what: "dlevel accumulated");
    }

    [Fact]
    public void LevelOutOfRangeIsRejected()
    {
        var x = Device.Scratch.Allocate("f16", DType.F32, 1, 8, 4, 4);
        var level = Device.Scratch.Allocate("decoder.level_embed.weight", DType.F32, 3, 8);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.LevelEmbedAdd(x, level, 3, x));
        Assert.Contains("level 3", e.Message);
        var wrongPosition = Device.Scratch.Allocate("P", DType.F32, 8, 4, 5);
        Assert.Throws<ShapeMismatchException>(() => recorder.LevelEmbedAdd(x, level, 0, x, wrongPosition));
    }
}
