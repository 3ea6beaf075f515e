using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class PermuteTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private static double[] ToNhwc(double[] x, int n, int c, int hw)
    {
        var y = new double[x.Length];
        for (var b = 0; b < n; b++)
        for (var k = 0; k < c; k++)
        for (var p = 0; p < hw; p++) y[(b * hw + p) * c + k] = x[(b * c + k) * hw + p];
        return y;
    }

    [Theory]
    [InlineData(2, 3, 5, 7)]
    [InlineData(1, 37, 9, 11)]   // both sides span several partial tiles
    [InlineData(3, 64, 1, 1)]
    public void RoundTripMatchesReference(int n, int c, int h, int w)
    {
        var x = Numerics.RoundToFloat(Numerics.Random(n * c * h * w, 1));
        var tx = Device.Upload("x", x, n, c, h, w);
        var tokens = Device.Poisoned("tokens", n, h * w, c);
        var back = Device.Poisoned("back", n, c, h, w);
        var nhwc = Device.Poisoned("nhwc", n, h, w, c);
        using (var recorder = Device.BeginRecording())
        {
            recorder.NchwToNhwc(tx, tokens);
            recorder.NhwcToNchw(tokens, back);
            recorder.NchwToNhwc(tx, nhwc);
            recorder.Submit();
        }
        var expected = ToNhwc(x, n, c, h * w);
        Numerics.AssertClose(Device.Read(tokens), expected, 0, "NCHW -> N(HW)C");
        Numerics.AssertClose(Device.Read(nhwc), expected, 0, "NCHW -> NHWC");
        Numerics.AssertClose(Device.Read(back), x, 0, "and back");
    }

    [Fact]
    public void EachPermuteIsTheOthersAdjoint()
    {
        // <P x, g> = <x, P^T g>: the inverse permute is the backward. Checked on the device outputs.
        const int n = 2, c = 5, h = 3, w = 4;
        var x = Numerics.RoundToFloat(Numerics.Random(n * c * h * w, 2));
        var g = Numerics.RoundToFloat(Numerics.Random(n * c * h * w, 3));
        var tx = Device.Upload("x", x, n, c, h, w);
        var tg = Device.Upload("g", g, n, h * w, c);
        var px = Device.Poisoned("px", n, h * w, c);
        var ptg = Device.Poisoned("ptg", n, c, h, w);
        using (var recorder = Device.BeginRecording())
        {
            recorder.NchwToNhwc(tx, px);
            recorder.NhwcToNchw(tg, ptg);
            recorder.Submit();
        }
        var left = Numerics.Dot(Array.ConvertAll(Device.Read(px), v => (double)v), g);
        var right = Numerics.Dot(x, Array.ConvertAll(Device.Read(ptg), v => (double)v));
        Assert.Equal(left, right, 1e-9);
    }

    [Fact]
    public void WrongTokenShapeIsRejected()
    {
        var x = Device.Scratch.Allocate("f8", DType.F32, 1, 4, 3, 3);
        var y = Device.Scratch.Allocate("tokens", DType.F32, 1, 4, 9);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.NchwToNhwc(x, y));
        Assert.Contains("[1x9x4]", e.Message);
    }
}
