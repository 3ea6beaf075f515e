using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class ResizeBilinearTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>Interpolation weights along one axis as a dense [out, in] matrix, PyTorch's align_corners = false rule.</summary>
    private static double[,] AxisWeights(int inSize, int outSize)
    {
        var w = new double[outSize, inSize];
        var scale = (double)inSize / outSize;
        for (var o = 0; o < outSize; o++)
        {
            var source = Math.Max((o + 0.5) * scale - 0.5, 0);
            var first = Math.Min((int)Math.Floor(source), inSize - 1);
            var second = Math.Min(first + 1, inSize - 1);
            var frac = source - first;
            w[o, first] += 1 - frac;
            w[o, second] += frac;
        }
        return w;
    }

    private static double[] Reference(double[] x, int planes, int h, int w, int oh, int ow)
    {
        var wy = AxisWeights(h, oh);
        var wx = AxisWeights(w, ow);
        var y = new double[planes * oh * ow];
        for (var p = 0; p < planes; p++)
        for (var oy = 0; oy < oh; oy++)
        for (var ox = 0; ox < ow; ox++)
        {
            double s = 0;
            for (var iy = 0; iy < h; iy++)
            for (var ix = 0; ix < w; ix++) s += wy[oy, iy] * wx[ox, ix] * x[(p * h + iy) * w + ix];
            y[(p * oh + oy) * ow + ox] = s;
        }
        return y;
    }

    /// <summary>The transpose of the (linear) forward.</summary>
    private static double[] ReferenceBackward(double[] dy, int planes, int h, int w, int oh, int ow)
    {
        var wy = AxisWeights(h, oh);
        var wx = AxisWeights(w, ow);
        var dx = new double[planes * h * w];
        for (var p = 0; p < planes; p++)
        for (var oy = 0; oy < oh; oy++)
        for (var ox = 0; ox < ow; ox++)
        for (var iy = 0; iy < h; iy++)
        for (var ix = 0; ix < w; ix++) dx[(p * h + iy) * w + ix] += wy[oy, iy] * wx[ox, ix] * dy[(p * oh + oy) * ow + ox];
        return dx;
    }

    [Fact]
    public void MatchesPyTorchOnAHandComputedCase()
    {
        // interpolate([[1, 2], [3, 4]], size=(3, 3), mode="bilinear", align_corners=False): scale 2/3, sources
        // -1/6 (clamped to 0), 0.5 and 7/6 (the last tap repeats), so each axis gives [v0, (v0 + v1) / 2, v1].
        var x = Device.Upload("x", [1, 2, 3, 4], 1, 1, 2, 2);
        var y = Device.Poisoned("y", 1, 1, 3, 3);
        using (var recorder = Device.BeginRecording())
        {
            recorder.ResizeBilinear(x, y);
            recorder.Submit();
        }
        double[] expected = [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4];
        Numerics.AssertClose(Device.Read(y), expected);
    }

    [Theory]
    [InlineData(2, 3, 5, 7, 10, 14)]   // exact 2x up (the FPN)
    [InlineData(2, 3, 5, 6, 10, 12)]   // 2x up into rows of whole vec4s (the vector path)
    [InlineData(1, 2, 7, 3, 9, 8)]     // awkward up into rows of whole vec4s
    [InlineData(1, 2, 7, 5, 17, 13)]   // awkward up
    [InlineData(2, 1, 19, 23, 5, 7)]   // awkward down
    [InlineData(1, 3, 11, 4, 3, 9)]    // down in y, up in x
    [InlineData(1, 1, 1, 6, 4, 1)]     // single row / column
    public void ForwardAndBackwardMatchReference(int n, int c, int h, int w, int oh, int ow)
    {
        var x = Numerics.RoundToFloat(Numerics.Random(n * c * h * w, 1));
        var dy = Numerics.RoundToFloat(Numerics.Random(n * c * oh * ow, 2));
        var tx = Device.Upload("x", x, n, c, h, w);
        var tdy = Device.Upload("dy", dy, n, c, oh, ow);
        var ty = Device.Poisoned("y", n, c, oh, ow);
        var tdx = Device.Poisoned("dx", n, c, h, w);
        using (var recorder = Device.BeginRecording())
        {
            recorder.ResizeBilinear(tx, ty);
            recorder.ResizeBilinearBackward(tdy, tdx);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ty), Reference(x, n * c, h, w, oh, ow), what: "y");
        Numerics.AssertClose(Device.Read(tdx), ReferenceBackward(dy, n * c, h, w, oh, ow), what: "dx");
    }

    [Fact]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        var x = Numerics.Random(2 * 5 * 4, 3);
        var dy = Numerics.Random(2 * 3 * 7, 4);
        Numerics.AssertClose(ReferenceBackward(dy, 2, 5, 4, 3, 7),
            Numerics.NumericGradient(v => Reference(v, 2, 5, 4, 3, 7), x, dy), 1e-7, "dx");
    }

    [Fact]
    public void MismatchedChannelsAreRejected()
    {
        var x = Device.Scratch.Allocate("p16", DType.F32, 1, 4, 8, 8);
        var y = Device.Scratch.Allocate("p8", DType.F32, 1, 5, 16, 16);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.ResizeBilinear(x, y));
        Assert.Contains("N and C", e.Message);
    }
}
