using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class DiceLossTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Mask2Former's dice_loss divided by the number of masks, in double.</summary>
    private static double Loss(double[] x, double[] t, int masks)
    {
        var pixels = x.Length / masks;
        double total = 0;
        for (var m = 0; m < masks; m++)
        {
            double pt = 0, ps = 0, ts = 0;
            for (var i = m * pixels; i < (m + 1) * pixels; i++)
            {
                pt += Sigmoid(x[i]) * t[i];
                ps += Sigmoid(x[i]);
                ts += t[i];
            }
            total += 1 - (2 * pt + 1) / (ps + ts + 1);
        }
        return total / masks;
    }

    /// <summary>Quotient rule on each mask's ratio, independent of the shader's factoring.</summary>
    private static double[] Gradient(double[] x, double[] t, int masks, double upstream)
    {
        var pixels = x.Length / masks;
        var grad = new double[x.Length];
        for (var m = 0; m < masks; m++)
        {
            double numerator = 1, denominator = 1;
            for (var i = m * pixels; i < (m + 1) * pixels; i++)
            {
                numerator += 2 * Sigmoid(x[i]) * t[i];
                denominator += Sigmoid(x[i]) + t[i];
            }
            for (var i = m * pixels; i < (m + 1) * pixels; i++)
            {
                var dp = Sigmoid(x[i]) * (1 - Sigmoid(x[i]));
                var dNumerator = 2 * t[i] * dp;
                grad[i] = -upstream / masks * (dNumerator * denominator - numerator * dp) / (denominator * denominator);
            }
        }
        return grad;
    }

    private static double[] Targets(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.Next(3) == 0 ? 1.0 : 0.0).ToArray();
    }

    [Fact]
    public void LossAndGradientMatchReference()
    {
        const int masks = 7, h = 13, w = 29; // 377 pixels per mask: more than one reduction workgroup's stride
        var x = Numerics.RoundToFloat(Numerics.Random(masks * h * w, 1, 4));
        var t = Targets(masks * h * w, 2);
        Array.Fill(t, 0.0, 3 * h * w, h * w); // one empty target mask
        var xt = Device.Upload("x", x, masks, h, w);
        var tt = Device.Upload("t", t, masks, h, w);
        var stats = Device.Poisoned("stats", masks, 3);
        var loss = Device.Poisoned("loss", 1);
        var up = Device.Upload("up", [5.0], 1);
        var grad = Device.Poisoned("grad", masks, h, w);
        using (var recorder = Device.BeginRecording())
        {
            recorder.DiceLoss(xt, tt, stats, loss);
            recorder.DiceLossBackward(xt, tt, stats, up, grad);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(loss), [Loss(x, t, masks)], what: "loss");
        Numerics.AssertClose(Device.Read(grad), Gradient(x, t, masks, 5), what: "dlogits");
    }

    [Fact]
    public void PerfectPredictionHasNearZeroLoss()
    {
        // Logits of +-30 reproduce a 0/1 mask: loss (2s + 1) / (2s + 1) = 1 exactly up to sigmoid rounding.
        var t = Targets(2 * 50, 5);
        var x = t.Select(v => v > 0 ? 30.0 : -30.0).ToArray();
        var xt = Device.Upload("x", x, 2, 50);
        var tt = Device.Upload("t", t, 2, 50);
        var stats = Device.Poisoned("stats", 2, 3);
        var loss = Device.Poisoned("loss", 1);
        using (var recorder = Device.BeginRecording())
        {
            recorder.DiceLoss(xt, tt, stats, loss);
            recorder.Submit();
        }
        Assert.InRange(Device.Read(loss)[0], 0f, 1e-5f);
    }

    [Fact]
    public void ReferenceGradientMatchesFiniteDifferences()
    {
        var x = Numerics.Random(3 * 5, 3, 2);
        var t = Targets(3 * 5, 4);
        Numerics.AssertClose(Gradient(x, t, 3, 1), Numerics.NumericGradient(v => [Loss(v, t, 3)], x, [1.0]), 1e-7, "dlogits");
    }

    [Fact]
    public void WrongStatsShapeIsRejected()
    {
        var x = Device.Scratch.Allocate("x", DType.F32, 4, 9);
        var stats = Device.Scratch.Allocate("stats", DType.F32, 4, 2);
        var loss = Device.Scratch.Allocate("loss", DType.F32, 1);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.DiceLoss(x, x, stats, loss));
        Assert.Contains("maskStats", e.Message);
    }
}
