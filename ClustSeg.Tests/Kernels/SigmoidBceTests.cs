using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class SigmoidBceTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>mean of -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))), the textbook form, in double.</summary>
    private static double Loss(double[] x, double[] t) =>
        x.Select((v, i) =>
        {
            var p = 1 / (1 + Math.Exp(-v));
            return -(t[i] * Math.Log(p) + (1 - t[i]) * Math.Log(1 - p));
        }).Average();

    private static double[] Gradient(double[] x, double[] t, double upstream) =>
        x.Select((v, i) => upstream * (1 / (1 + Math.Exp(-v)) - t[i]) / x.Length).ToArray();

    private static double[] Targets(int count, int seed)
    {
        // Mostly hard 0/1 masks, some soft targets.
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.Next(4) switch { 0 => 0.0, 1 => 1.0, 2 => 1.0, _ => (double)(float)rng.NextDouble() }).ToArray();
    }

    [Fact]
    public void LossAndGradientMatchReference()
    {
        int[] shape = [3, 17, 23]; // 1173 elements: five reduction workgroups, the last partly filled
        var count = 3 * 17 * 23;
        var x = Numerics.RoundToFloat(Numerics.Random(count, 1, 6));
        var t = Targets(count, 2);
        var xt = Device.Upload("x", x, shape);
        var tt = Device.Upload("t", t, shape);
        var loss = Device.Poisoned("loss", 1);
        var up = Device.Upload("up", [5.0], 1);
        var grad = Device.Poisoned("grad", shape);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SigmoidBce(xt, tt, loss);
            recorder.SigmoidBceBackward(xt, tt, up, grad);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(loss), [Loss(x, t)], what: "loss");
        Numerics.AssertClose(Device.Read(grad), Gradient(x, t, 5), what: "dlogits");
    }

    [Fact]
    public void LargeLogitsStayFinite()
    {
        double[] x = [80, -80, 30, -30];
        double[] t = [0, 1, 1, 0];
        var xt = Device.Upload("x", x, 4);
        var tt = Device.Upload("t", t, 4);
        var loss = Device.Poisoned("loss", 1);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SigmoidBce(xt, tt, loss);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(loss), [(80 + 80 + 0 + 0) / 4.0], 1e-6, "loss"); // softplus(80) = 80, softplus(-30) ~ 1e-13
    }

    [Fact]
    public void ReferenceGradientMatchesFiniteDifferences()
    {
        var x = Numerics.Random(9, 3, 3);
        var t = Targets(9, 4);
        Numerics.AssertClose(Gradient(x, t, 1), Numerics.NumericGradient(v => [Loss(v, t)], x, [1.0]), 1e-7, "dlogits");
    }

    [Fact]
    public void MismatchedTargetsAreRejected()
    {
        var x = Device.Scratch.Allocate("x", DType.F32, 2, 3);
        var t = Device.Scratch.Allocate("t", DType.F32, 3, 2);
        var loss = Device.Scratch.Allocate("loss", DType.F32, 1);
        using var recorder = Device.BeginRecording();
        Assert.Throws<ShapeMismatchException>(() => recorder.SigmoidBce(x, t, loss));
    }
}
