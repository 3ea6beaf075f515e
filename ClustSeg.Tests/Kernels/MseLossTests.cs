using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class MseLossTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private static double Loss(double[] a, double[] b) => a.Select((x, i) => (x - b[i]) * (x - b[i])).Average();

    private static double[] Gradient(double[] a, double[] b, double upstream) => a.Select((x, i) => 2 * upstream * (x - b[i]) / a.Length).ToArray();

    [Fact]
    public void ReferenceGradientMatchesFiniteDifferences()
    {
        var a = Numerics.Random(23, 3, 2);
        var b = Numerics.Random(23, 4, 2);
        Numerics.AssertClose(Gradient(a, b, 0.7), Numerics.NumericGradient(x => [Loss(x, b)], a, [0.7]), 1e-7, "da");
    }

    [Fact]
    public void LossAndGradientMatchReference()
    {
        const int n = 2 * 2 * 17 * 19; // [B, 2, H, W] like the reconstructed (y, x)
        var a = Numerics.RoundToFloat(Numerics.Random(n, 1, 5));
        var b = Numerics.RoundToFloat(Numerics.Random(n, 2, 5));
        var at = Device.Upload("a", a, 2, 2, 17, 19);
        var bt = Device.Upload("b", b, 2, 2, 17, 19);
        var loss = Device.Poisoned("loss", 1);
        var grad = Device.Poisoned("grad", 2, 2, 17, 19);
        using (var recorder = Device.BeginRecording())
        {
            recorder.MseLoss(at, bt, loss);
            recorder.MseLossBackward(at, bt, Device.Upload("up", [0.5], 1), grad);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(loss), [Loss(a, b)], what: "loss");
        Numerics.AssertClose(Device.Read(grad), Gradient(a, b, 0.5), what: "gradient");
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        var a = Device.Scratch.Allocate("a", DType.F32, 4);
        var b = Device.Scratch.Allocate("b", DType.F32, 5);
        using var recorder = Device.BeginRecording();
        Assert.Throws<ShapeMismatchException>(() => recorder.MseLoss(a, b, a));
    }
}
