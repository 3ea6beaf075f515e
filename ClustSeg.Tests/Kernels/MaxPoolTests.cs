using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class MaxPoolTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>Max per window and the winner's index in its plane (first maximum in scan order).</summary>
    private static (double[] Y, int[] Index) Reference(double[] x, int planes, int h, int w, int k, int s, int pad)
    {
        int oh = (h + 2 * pad - k) / s + 1, ow = (w + 2 * pad - k) / s + 1;
        var y = new double[planes * oh * ow];
        var index = new int[y.Length];
        for (var p = 0; p < planes; p++)
        for (var oy = 0; oy < oh; oy++)
        for (var ox = 0; ox < ow; ox++)
        {
            var best = double.NegativeInfinity;
            var at = -1;
            for (var iy = oy * s - pad; iy < oy * s - pad + k; iy++)
            for (var ix = ox * s - pad; ix < ox * s - pad + k; ix++)
            {
                if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
                if (x[(p * h + iy) * w + ix] > best) (best, at) = (x[(p * h + iy) * w + ix], iy * w + ix);
            }
            y[(p * oh + oy) * ow + ox] = best;
            index[(p * oh + oy) * ow + ox] = at;
        }
        return (y, index);
    }

    private static double[] ReferenceBackward(double[] dy, int[] index, int planes, int h, int w)
    {
        var dx = new double[planes * h * w];
        var perPlane = dy.Length / planes;
        for (var o = 0; o < dy.Length; o++) dx[o / perPlane * h * w + index[o]] += dy[o];
        return dx;
    }

    [Theory]
    [InlineData(2, 3, 11, 13, 3, 2, 1)]  // the ResNet stem's pool shape on odd sizes: windows overlap
    [InlineData(1, 2, 9, 7, 2, 2, 0)]    // disjoint windows, a leftover row and column
    [InlineData(1, 1, 5, 6, 3, 1, 1)]    // stride 1: every pixel in up to 9 windows
    [InlineData(1, 2, 10, 10, 4, 3, 2)]
    public void ForwardAndBackwardMatchReference(int n, int c, int h, int w, int k, int s, int pad)
    {
        int oh = MaxPoolOp.OutputSize(h, k, s, pad), ow = MaxPoolOp.OutputSize(w, k, s, pad);
        var x = Numerics.RoundToFloat(Numerics.Random(n * c * h * w, 1));
        var dy = Numerics.RoundToFloat(Numerics.Random(n * c * oh * ow, 2));
        var tx = Device.Upload("x", x, n, c, h, w);
        var tdy = Device.Upload("dy", dy, n, c, oh, ow);
        var ty = Device.Poisoned("y", n, c, oh, ow);
        var tIndex = Device.UploadInt("index", Enumerable.Repeat(-7, n * c * oh * ow).ToArray(), n, c, oh, ow);
        var tdx = Device.Poisoned("dx", n, c, h, w);
        using (var recorder = Device.BeginRecording())
        {
            recorder.MaxPool(tx, ty, tIndex, k, s, pad);
            recorder.MaxPoolBackward(tdy, tIndex, tdx, k, s, pad);
            recorder.Submit();
        }
        var (y, index) = Reference(x, n * c, h, w, k, s, pad);
        Numerics.AssertClose(Device.Read(ty), y, what: "y");
        Assert.Equal(index, Device.Download<int>(tIndex));
        Numerics.AssertClose(Device.Read(tdx), ReferenceBackward(dy, index, n * c, h, w), what: "dx");
    }

    [Fact]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        var x = Numerics.Random(2 * 7 * 6, 3);
        var (y, index) = Reference(x, 2, 7, 6, 3, 2, 1);
        var dy = Numerics.Random(y.Length, 4);
        Numerics.AssertClose(ReferenceBackward(dy, index, 2, 7, 6),
            Numerics.NumericGradient(v => Reference(v, 2, 7, 6, 3, 2, 1).Y, x, dy), 1e-7, "dx");
    }

    [Fact]
    public void TiesGoToTheFirstInScanOrder()
    {
        var x = Device.Upload("x", [5, 5, 5, 5], 1, 1, 2, 2);
        var y = Device.Poisoned("y", 1, 1, 1, 1);
        var index = Device.UploadInt("index", [-1], 1, 1, 1, 1);
        using (var recorder = Device.BeginRecording())
        {
            recorder.MaxPool(x, y, index, 2, 2);
            recorder.Submit();
        }
        Assert.Equal(0, Device.Download<int>(index)[0]);
    }

    [Fact]
    public void WrongOutputSizeAndBadPaddingAreRejected()
    {
        var x = Device.Scratch.Allocate("stem", DType.F32, 1, 2, 9, 9);
        var y = Device.Scratch.Allocate("pooled", DType.F32, 1, 2, 4, 4);
        var index = Device.Scratch.Allocate("index", DType.I32, 1, 2, 4, 4);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.MaxPool(x, y, index, 3, 2, 1)); // needs 5x5
        Assert.Contains("1x2x5x5", e.Message);
        Assert.Throws<ShapeMismatchException>(() => recorder.MaxPool(x, y, index, 2, 2, 2));
        var floatIndex = Device.Scratch.Allocate("findex", DType.F32, 1, 2, 4, 4);
        Assert.Throws<ShapeMismatchException>(() => recorder.MaxPool(x, y, floatIndex, 3, 2));
    }
}
