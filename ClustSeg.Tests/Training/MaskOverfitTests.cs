using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Training.Losses;
using ClustSeg.Tests.Models;
using ClustSeg.Tests.Support;
using Xunit.Abstractions;

namespace ClustSeg.Tests.Training;

/// <summary>
/// A short AdamW run of the tiny panoptic model on one 64x64 image: with correct losses, matching and gradients the
/// weighted total falls clearly (the matching and the bank update run every step, as in training).
/// </summary>
public sealed class MaskOverfitTests(VulkanFixture fixture, ITestOutputHelper log) : VulkanTest(fixture)
{
    [Fact]
    public void ThePanopticLossFallsWhenOverfittingOneImage()
    {
        const int steps = 30;
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Panoptic, MaskBatches.ClassNames, MaskBatches.Things);
        model.Initialize(Device, seed: 3);
        var objective = new MaskObjective(model);
        var batch = MaskBatches.Make(1);
        var parameters = model.Module.Parameters().ToList();
        var moments = parameters.Select(p => (First: Zeros(p.Path + ".m", p.Value), Second: Zeros(p.Path + ".v", p.Value))).ToList();
        var settings = new AdamWSettings(LearningRate: 1e-3, WeightDecay: 0.05);
        var totals = new List<double>();
        for (var step = 1; step <= steps; step++)
        {
            var terms = MaskStep.Run(Device, objective, batch, recorder =>
            {
                for (var i = 0; i < parameters.Count; i++)
                    recorder.AdamW(parameters[i].Value, parameters[i].Grad, moments[i].First, moments[i].Second, step, settings, parameters[i].WeightDecay);
            });
            totals.Add(MaskStep.Total(terms));
            log.WriteLine($"step {step}: total {totals[^1]:F4} ({string.Join(", ", terms.Select(t => $"{t.Key} {t.Value.Value:F4}"))}), matching {objective.LastMatchingTime.TotalMilliseconds:F2} ms");
        }
        Assert.All(totals, t => Assert.True(double.IsFinite(t)));
        var start = totals.Take(3).Average();
        var end = totals.TakeLast(3).Average();
        Assert.True(end < 0.5 * start, $"The total loss fell from {start:F4} (first 3 steps) only to {end:F4} (last 3 steps).");
        foreach (var (first, second) in moments)
        {
            Device.Persistent.Release(first);
            Device.Persistent.Release(second);
        }
        ModelRun.Release(Device, model);
    }

    private Tensor Zeros(string name, Tensor like)
    {
        var tensor = Device.Persistent.Allocate(name, DType.F32, like.Shape.ToArray());
        Device.Upload<float>(tensor, new float[tensor.ElementCount]);
        return tensor;
    }
}
