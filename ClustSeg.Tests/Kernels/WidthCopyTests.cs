using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class WidthCopyTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>Rows of <paramref name="from"/> columns copied into rows of <paramref name="to"/>, zero past the source.</summary>
    private static double[] Reference(double[] x, int rows, int from, int to)
    {
        var y = new double[rows * to];
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < Math.Min(from, to); c++) y[r * to + c] = x[r * from + c];
        return y;
    }

    [Theory]
    [InlineData(7, 12)] // pad
    [InlineData(13, 5)] // crop
    [InlineData(6, 6)]
    public void CopiesPadsAndCropsRows(int from, int to)
    {
        const int n = 2, c = 3, h = 5;
        var x = Numerics.RoundToFloat(Numerics.Random(n * c * h * from, 1));
        var y = Device.Poisoned("y", n, c, h, to);
        using (var recorder = Device.BeginRecording())
        {
            recorder.CopyWidth(Device.Upload("x", x, n, c, h, from), y);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(y), Reference(x, n * c * h, from, to), 0, "copy");
    }

    [Fact]
    public void AccumulatesAndIsItsOwnAdjoint()
    {
        // <pad(a), g> = <a, crop(g)>: the crop is the pad's backward, checked by duality and on the device.
        const int rows = 11, narrow = 9, wide = 12;
        var a = Numerics.RoundToFloat(Numerics.Random(rows * narrow, 2));
        var g = Numerics.RoundToFloat(Numerics.Random(rows * wide, 3));
        var start = Numerics.RoundToFloat(Numerics.Random(rows * narrow, 4));
        Assert.Equal(Numerics.Dot(Reference(a, rows, narrow, wide), g), Numerics.Dot(a, Reference(g, rows, wide, narrow)), 1e-12);
        var grad = Device.Upload("grad", start, rows, narrow);
        using (var recorder = Device.BeginRecording())
        {
            recorder.CopyWidth(Device.Upload("g", g, rows, wide), grad, accumulate: true);
            recorder.Submit();
        }
        var cropped = Reference(g, rows, wide, narrow);
        Numerics.AssertClose(Device.Read(grad), cropped.Select((v, i) => v + start[i]).ToArray(), 1e-6, "accumulated crop");
    }

    [Fact]
    public void TensorsThatDifferBeyondTheWidthAreRejected()
    {
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.CopyWidth(Device.Poisoned("a", 2, 3, 5), Device.Poisoned("b", 2, 4, 8)));
        Assert.Contains("every dimension but the last", e.Message);
    }
}
