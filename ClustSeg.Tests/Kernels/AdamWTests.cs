using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class AdamWTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>torch.optim.AdamW's single-tensor update, in double.</summary>
    private static void Step(double[] p, double[] g, double[] m, double[] v, int t, AdamWSettings s, bool decay)
    {
        var wd = decay ? s.WeightDecay : 0;
        for (var i = 0; i < p.Length; i++)
        {
            p[i] *= 1 - s.LearningRate * wd;
            m[i] = s.Beta1 * m[i] + (1 - s.Beta1) * g[i];
            v[i] = s.Beta2 * v[i] + (1 - s.Beta2) * g[i] * g[i];
            var stepSize = s.LearningRate / (1 - Math.Pow(s.Beta1, t));
            var denominator = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(s.Beta2, t)) + s.Epsilon;
            p[i] -= stepSize * m[i] / denominator;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ThreeStepsMatchTorchUpdate(bool decay)
    {
        const int n = 1031;
        var settings = new AdamWSettings(LearningRate: 0.05, WeightDecay: 0.5);
        var p = Numerics.RoundToFloat(Numerics.Random(n, 1, 0.1));
        var m = new double[n];
        var v = new double[n];
        var pt = Device.Upload("p", p, n);
        var gt = Device.Scratch.Allocate("g", DType.F32, n);
        var mt = Device.Upload("m", m, n);
        var vt = Device.Upload("v", v, n);
        for (var step = 1; step <= 3; step++)
        {
            var g = Numerics.RoundToFloat(Numerics.Random(n, 10 + step, step));
            g[0] = 0; // a zero gradient still decays and still moves by the running moments
            var before = Device.Read(pt);
            Device.Upload<float>(gt, Numerics.ToFloat(g));
            using (var recorder = Device.BeginRecording())
            {
                recorder.AdamW(pt, gt, mt, vt, step, settings, decay);
                recorder.Submit();
            }
            var expectedBefore = (double[])p.Clone();
            Step(p, g, m, v, step, settings, decay);
            var after = Device.Read(pt);
            // The update itself, not just the parameters (which hardly change), must match.
            var delta = after.Select((a, i) => a - before[i]).ToArray();
            Numerics.AssertClose(delta, p.Select((x, i) => x - expectedBefore[i]).ToArray(), 1e-5, $"update at step {step}");
            Numerics.AssertClose(after, p, 1e-6, $"parameters at step {step}");
            Numerics.AssertClose(Device.Read(mt), m, 1e-6, $"first moment at step {step}");
            Numerics.AssertClose(Device.Read(vt), v, 1e-6, $"second moment at step {step}");
        }
    }

    [Fact]
    public void FirstStepMovesEachParameterByTheLearningRate()
    {
        // Hand-computed: at t = 1 the bias-corrected m / sqrt(v) is sign(g), so without decay p -= lr sign(g).
        var pt = Device.Upload("p", [1.0, 1.0, 1.0], 3);
        var gt = Device.Upload("g", [4.0, -0.5, 1e-3], 3);
        var mt = Device.Upload("m", [0.0, 0, 0], 3);
        var vt = Device.Upload("v", [0.0, 0, 0], 3);
        using (var recorder = Device.BeginRecording())
        {
            recorder.AdamW(pt, gt, mt, vt, 1, new AdamWSettings(0.01, Epsilon: 0), decay: false);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(pt), [0.99, 1.01, 0.99], 1e-6, "parameters");
    }

    [Theory]
    [InlineData(2.0)]  // the norm is past the maximum: the step sees g * maxNorm / (norm + 1e-6)
    [InlineData(50.0)] // within it: the step sees g unchanged
    public void ClippedStepMatchesTorchClipThenUpdate(double maxNorm)
    {
        const int n = 1031;
        var settings = new AdamWSettings(LearningRate: 0.05, WeightDecay: 0.5);
        var p = Numerics.RoundToFloat(Numerics.Random(n, 3, 0.1));
        var g = Numerics.RoundToFloat(Numerics.Random(n, 4, 1));
        double[] m = Numerics.RoundToFloat(Numerics.Random(n, 5, 0.1)), v = Numerics.RoundToFloat(Numerics.Random(n, 6, 0.1)).Select(Math.Abs).ToArray();
        var pt = Device.Upload("p", p, n);
        var gt = Device.Upload("g", g, n);
        var mt = Device.Upload("m", m, n);
        var vt = Device.Upload("v", v, n);
        var norm = Device.Scratch.Allocate("norm", DType.F32, 1);
        using (var recorder = Device.BeginRecording())
        {
            recorder.GlobalGradientNorm([gt], norm);
            recorder.AdamW(pt, gt, mt, vt, 2, settings, decay: true, clipNorm: norm, maxNorm: (float)maxNorm);
            recorder.Submit();
        }
        var total = Math.Sqrt(g.Sum(x => x * x));
        Assert.InRange(total, 10, 40); // so that the two cases clip and do not
        var scale = Math.Min(1, maxNorm / (total + 1e-6));
        Step(p, g.Select(x => x * scale).ToArray(), m, v, 2, settings, decay: true);
        Numerics.AssertClose(Device.Read(pt), p, 1e-6, "parameters");
        Numerics.AssertClose(Device.Read(mt), m, 1e-6, "first moment");
        Numerics.AssertClose(Device.Read(vt), v, 1e-6, "second moment");
        Numerics.AssertClose(Device.Read(gt), g, 0, "the gradient itself is left unclipped");
    }

    [Fact]
    public void StepZeroIsRejected()
    {
        var t = Device.Scratch.Allocate("t", DType.F32, 4);
        using var recorder = Device.BeginRecording();
        Assert.Throws<ShapeMismatchException>(() => recorder.AdamW(t, t, t, t, 0, new AdamWSettings(1e-4), true));
    }
}
