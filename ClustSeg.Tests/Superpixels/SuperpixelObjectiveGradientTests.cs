using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Superpixels;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Superpixels;

/// <summary>
/// The superpixel objective's backward (through the loss, every EM iteration, the seeds, the features and the CNN)
/// against central finite differences of its own forward on a tiny image.
/// </summary>
public sealed class SuperpixelObjectiveGradientTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Width = 20, Height = 18;
    private static readonly SuperpixelGrid Grid = new(3, 3);
    private const float LabelWeight = 1f, CompactnessWeight = 0.05f;
    private static readonly double[] ParameterSteps = [1e-2, 3e-3, 1e-3];

    [Fact]
    public void FeatureGradientMatchesFiniteDifferences()
    {
        const int channels = 6;
        var n = Height * Width;
        var features = Numerics.ToFloat(Numerics.Random(channels * n, 11, 1.5));
        var positions = new float[2 * n];
        for (var i = 0; i < n; i++) (positions[i], positions[n + i]) = (i / Width * 0.25f, i % Width * 0.25f);
        var labels = SuperpixelTestData.Regions(Width, Height, 5).Labels;

        (double Loss, float[]? Grad) Run(float[] values, bool backward)
        {
            var scratch = Device.Scratch;
            scratch.Reset();
            var f = scratch.Allocate("f", DType.F32, 1, channels, Height, Width);
            Device.Upload<float>(f, values);
            var p = scratch.Allocate("p", DType.F32, 1, 2, Height, Width);
            Device.Upload<float>(p, positions);
            var l = scratch.Allocate("l", DType.I32, 1, Height, Width);
            Device.Upload<int>(l, labels);
            using var recorder = Device.BeginRecording();
            var loss = new SsnLossRecording(Device, recorder, f, p, l, 3, Grid, iterations: 3);
            var grad = backward ? loss.RecordBackward(LabelWeight, CompactnessWeight) : null;
            recorder.Submit();
            var total = LabelWeight * Device.Download<float>(loss.LabelLoss)[0] + CompactnessWeight * (double)Device.Download<float>(loss.CompactnessLoss)[0];
            return (total, grad is null ? null : Device.Download<float>(grad));
        }

        var analytic = Run(features, backward: true).Grad!;
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-4);
        const float eps = 1e-2f;
        // Single elements where the gradient is largest, plus one random direction over all of them.
        foreach (var index in Enumerable.Range(0, analytic.Length).OrderByDescending(i => Math.Abs(analytic[i])).Take(5))
        {
            var plus = (float[])features.Clone();
            var minus = (float[])features.Clone();
            plus[index] += eps;
            minus[index] -= eps;
            var numeric = (Run(plus, false).Loss - Run(minus, false).Loss) / (2 * eps);
            Assert.True(Math.Abs(numeric - analytic[index]) <= 0.03 * Math.Abs(numeric) + 1e-4,
                $"dL/dF[{index}]: backward {analytic[index]}, finite differences {numeric}");
        }
        AssertDirectional(features, analytic, values => Run(values, false).Loss, seed: 3, [1e-2, 3e-3, 1e-3]);
    }

    [Fact]
    public void CnnParameterGradientsMatchFiniteDifferences()
    {
        var model = new SuperpixelModel();
        model.Initialize(Device, seed: 7);
        var objective = new SuperpixelObjective(model, new SuperpixelTrainingSettings { Iterations = 2, LabelWeight = LabelWeight, CompactnessWeight = CompactnessWeight });
        var batch = SuperpixelTestData.Checkerboard(Width, Height, superpixels: 9, Grid, seed: 5);
        var parameters = model.Module.Parameters().ToList();

        double Loss()
        {
            Device.Scratch.Reset();
            using var recorder = Device.BeginRecording();
            var step = objective.RecordStep(Device, recorder, batch);
            recorder.Submit();
            return step.Losses.Sum(term => term.Weight * (double)Device.Download<float>(term.Value)[0]);
        }

        Loss();
        var analytic = parameters.Select(p => Device.Download<float>(p.Grad)).ToList();
        Assert.Contains(analytic, g => g.Any(v => Math.Abs(v) > 1e-5));
        // One random direction per parameter tensor, so every layer (the coarse branch and the projection included) is checked.
        for (var k = 0; k < parameters.Count; k++)
        {
            var parameter = parameters[k];
            var original = Device.Download<float>(parameter.Value);
            AssertDirectional(original, analytic[k], values =>
            {
                Device.Upload<float>(parameter.Value, values);
                return Loss();
            }, seed: 100 + k, ParameterSteps, what: parameter.Path);
            Device.Upload<float>(parameter.Value, original);
        }
    }

    /// <summary>
    /// Checks g . v against (L(x + eps v) - L(x - eps v)) / (2 eps) for a direction v (random plus the gradient's own). The loss is
    /// float32, so a small step drowns in rounding and a large one in curvature (ReLU kinks, GroupNorm): the check
    /// passes when one of the (few, close) steps in <paramref name="steps"/> agrees within 3%.
    /// </summary>
    private static void AssertDirectional(float[] x, float[] gradient, Func<float[], double> loss, int seed, double[] steps, string what = "features")
    {
        // A random direction alone gives derivatives of 1e-5 for some tensors, at the level of float32 rounding of the
        // loss. The direction is therefore the gradient's own (unit length) plus half a unit of a random one: its
        // derivative is large enough to resolve, and a gradient of the wrong size or direction still fails.
        var norm = Math.Sqrt(gradient.Sum(g => (double)g * g));
        if (norm < 1e-6)
        {
            // A zero gradient (the projection bias: a shift of every pixel's feature shifts the centres alike, and the
            // distances do not change) must show as a loss that does not move, not as rounding noise to compare to.
            var shifted = x.Select((v, i) => v + (float)(steps[0] * Numerics.Random(x.Length, seed)[i])).ToArray();
            var change = Math.Abs(loss(shifted) - loss(x));
            Assert.True(change < 1e-4, $"{what}: backward says the loss does not depend on it, but a step of {steps[0]} changed it by {change:G3}");
            return;
        }
        var random = Numerics.Random(x.Length, seed);
        var randomNorm = Math.Sqrt(random.Sum(r => r * r));
        var direction = new double[x.Length];
        for (var i = 0; i < x.Length; i++) direction[i] = (norm > 0 ? gradient[i] / norm : 0) + 0.5 * random[i] / randomNorm;
        var analytic = gradient.Select((g, i) => g * direction[i]).Sum();
        var tried = new List<string>();
        foreach (var eps in steps)
        {
            var plus = new float[x.Length];
            var minus = new float[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                plus[i] = (float)(x[i] + eps * direction[i]);
                minus[i] = (float)(x[i] - eps * direction[i]);
            }
            var numeric = (loss(plus) - loss(minus)) / (2 * eps);
            if (Math.Abs(numeric - analytic) <= 0.03 * Math.Abs(numeric) + 1e-6) return;
            tried.Add($"{numeric:G6} (step {eps})");
        }
        Assert.Fail($"{what}: directional derivative by backward {analytic:G6}, by finite differences {string.Join(", ", tried)}");
    }
}
