using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class AdaptiveAvgPoolTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private static (int Start, int End) Cell(int o, int inSize, int outSize) =>
        ((int)Math.Floor((double)o * inSize / outSize), (int)Math.Ceiling((double)(o + 1) * inSize / outSize));

    private static double[] Reference(double[] x, int planes, int h, int w, int oh, int ow)
    {
        var y = new double[planes * oh * ow];
        for (var p = 0; p < planes; p++)
        for (var oy = 0; oy < oh; oy++)
        for (var ox = 0; ox < ow; ox++)
        {
            var (y0, y1) = Cell(oy, h, oh);
            var (x0, x1) = Cell(ox, w, ow);
            double s = 0;
            for (var iy = y0; iy < y1; iy++)
            for (var ix = x0; ix < x1; ix++) s += x[(p * h + iy) * w + ix];
            y[(p * oh + oy) * ow + ox] = s / ((y1 - y0) * (x1 - x0));
        }
        return y;
    }

    private static double[] ReferenceBackward(double[] dy, int planes, int h, int w, int oh, int ow)
    {
        var dx = new double[planes * h * w];
        for (var p = 0; p < planes; p++)
        for (var oy = 0; oy < oh; oy++)
        for (var ox = 0; ox < ow; ox++)
        {
            var (y0, y1) = Cell(oy, h, oh);
            var (x0, x1) = Cell(ox, w, ow);
            var share = dy[(p * oh + oy) * ow + ox] / ((y1 - y0) * (x1 - x0));
            for (var iy = y0; iy < y1; iy++)
            for (var ix = x0; ix < x1; ix++) dx[(p * h + iy) * w + ix] += share;
        }
        return dx;
    }

    [Fact]
    public void OverlappingCellsFollowPyTorch()
    {
        // adaptive_avg_pool1d over 5 values to 3 cells: [0, 2), [1, 4), [3, 5).
        var x = Device.Upload("x", [1, 2, 4, 8, 16], 1, 1, 1, 5);
        var y = Device.Poisoned("y", 1, 1, 1, 3);
        using (var recorder = Device.BeginRecording())
        {
            recorder.AdaptiveAvgPool(x, y);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(y), [1.5, 14 / 3.0, 12]);
    }

    [Theory]
    [InlineData(2, 3, 13, 17, 4, 5)]  // grid seeds: sizes that do not divide, overlapping cells
    [InlineData(1, 2, 8, 8, 8, 8)]    // identity
    [InlineData(1, 2, 3, 5, 7, 11)]   // more cells than pixels
    [InlineData(3, 1, 9, 7, 1, 1)]    // global average
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
            recorder.AdaptiveAvgPool(tx, ty);
            recorder.AdaptiveAvgPoolBackward(tdy, tdx);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ty), Reference(x, n * c, h, w, oh, ow), what: "y");
        Numerics.AssertClose(Device.Read(tdx), ReferenceBackward(dy, n * c, h, w, oh, ow), what: "dx");
    }

    [Fact]
    public void MorePlanesThanOneDispatchDimensionHold()
    {
        // 65,538 planes: the grid caps z at 65,535 and the shaders loop over the rest.
        const int planes = 65_538;
        var x = Numerics.RoundToFloat(Numerics.Random(planes * 2, 5));
        var dy = Numerics.RoundToFloat(Numerics.Random(planes, 6));
        var tx = Device.Upload("x", x, 1, planes, 1, 2);
        var tdy = Device.Upload("dy", dy, 1, planes, 1, 1);
        var ty = Device.Poisoned("y", 1, planes, 1, 1);
        var tdx = Device.Poisoned("dx", 1, planes, 1, 2);
        using (var recorder = Device.BeginRecording())
        {
            recorder.AdaptiveAvgPool(tx, ty);
            recorder.AdaptiveAvgPoolBackward(tdy, tdx);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ty), Reference(x, planes, 1, 2, 1, 1), what: "y");
        Numerics.AssertClose(Device.Read(tdx), ReferenceBackward(dy, planes, 1, 2, 1, 1), what: "dx");
    }

    [Fact]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        var x = Numerics.Random(2 * 7 * 5, 3);
        var dy = Numerics.Random(2 * 3 * 4, 4);
        Numerics.AssertClose(ReferenceBackward(dy, 2, 7, 5, 3, 4),
            Numerics.NumericGradient(v => Reference(v, 2, 7, 5, 3, 4), x, dy), 1e-7, "dx");
    }

    [Fact]
    public void WrongRankIsRejected()
    {
        var x = Device.Scratch.Allocate("f32", DType.F32, 4, 8, 8);
        var y = Device.Scratch.Allocate("seeds", DType.F32, 1, 4, 2, 2);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.AdaptiveAvgPool(x, y));
        Assert.Contains("rank 4", e.Message);
    }
}
