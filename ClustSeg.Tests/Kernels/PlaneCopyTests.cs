using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class PlaneCopyTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>Planes of <paramref name="fromH"/> x <paramref name="fromW"/> copied into planes of <paramref name="toH"/> x <paramref name="toW"/>, zero past the source.</summary>
    private static double[] Reference(double[] x, int planes, int fromH, int fromW, int toH, int toW)
    {
        var y = new double[planes * toH * toW];
        for (var p = 0; p < planes; p++)
        for (var r = 0; r < Math.Min(fromH, toH); r++)
        for (var c = 0; c < Math.Min(fromW, toW); c++) y[(p * toH + r) * toW + c] = x[(p * fromH + r) * fromW + c];
        return y;
    }

    [Theory]
    [InlineData(5, 7, 5, 12)] // pad the width
    [InlineData(5, 13, 5, 5)] // crop the width
    [InlineData(5, 6, 5, 6)]
    [InlineData(5, 7, 6, 8)] // pad both, as the superpixel CNN's input
    [InlineData(6, 8, 5, 7)] // crop both, as its output
    [InlineData(3, 9, 7, 2)] // pad one, crop the other
    public void CopiesPadsAndCropsPlanes(int fromH, int fromW, int toH, int toW)
    {
        const int n = 2, c = 3;
        var x = Numerics.RoundToFloat(Numerics.Random(n * c * fromH * fromW, 1));
        var y = Device.Poisoned("y", n, c, toH, toW);
        using (var recorder = Device.BeginRecording())
        {
            recorder.CopyPlanes(Device.Upload("x", x, n, c, fromH, fromW), y);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(y), Reference(x, n * c, fromH, fromW, toH, toW), 0, "copy");
    }

    [Fact]
    public void AccumulatesAndIsItsOwnAdjoint()
    {
        // <pad(a), g> = <a, crop(g)>: the crop is the pad's backward, checked by duality and on the device.
        const int planes = 3, smallH = 4, smallW = 9, bigH = 6, bigW = 12;
        var a = Numerics.RoundToFloat(Numerics.Random(planes * smallH * smallW, 2));
        var g = Numerics.RoundToFloat(Numerics.Random(planes * bigH * bigW, 3));
        var start = Numerics.RoundToFloat(Numerics.Random(planes * smallH * smallW, 4));
        Assert.Equal(Numerics.Dot(Reference(a, planes, smallH, smallW, bigH, bigW), g),
            Numerics.Dot(a, Reference(g, planes, bigH, bigW, smallH, smallW)), 1e-12);
        var grad = Device.Upload("grad", start, planes, smallH, smallW);
        using (var recorder = Device.BeginRecording())
        {
            recorder.CopyPlanes(Device.Upload("g", g, planes, bigH, bigW), grad, accumulate: true);
            recorder.Submit();
        }
        var cropped = Reference(g, planes, bigH, bigW, smallH, smallW);
        Numerics.AssertClose(Device.Read(grad), cropped.Select((v, i) => v + start[i]).ToArray(), 1e-6, "accumulated crop");
    }

    [Fact]
    public void RowsOfARankOneTensorAreOneRow()
    {
        var x = Numerics.RoundToFloat(Numerics.Random(10, 5));
        var y = Device.Poisoned("y", 7);
        using (var recorder = Device.BeginRecording())
        {
            recorder.CopyPlanes(Device.Upload("x", x, 10), y);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(y), x.Take(7).ToArray(), 0, "crop");
    }

    [Fact]
    public void TensorsThatDifferBeyondThePlaneAreRejected()
    {
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.CopyPlanes(Device.Poisoned("a", 2, 3, 5), Device.Poisoned("b", 3, 4, 8)));
        Assert.Contains("every dimension but the last two", e.Message);
    }
}
