using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Superpixels;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;
using Xunit.Abstractions;

namespace ClustSeg.Tests.Superpixels;

/// <summary>A few AdamW steps on one crop with a minimal loop (the shared training loop is tested on its own).</summary>
public sealed class SuperpixelTrainingSmokeTests(VulkanFixture fixture, ITestOutputHelper output) : VulkanTest(fixture)
{
    [Fact]
    public void LossFallsOverTwentyAdamWStepsOnOneCrop()
    {
        var model = new SuperpixelModel();
        model.Initialize(Device, seed: 1);
        var objective = new SuperpixelObjective(model, new SuperpixelTrainingSettings { CompactnessWeight = 1e-3f });
        var batch = SuperpixelTestData.Checkerboard(40, 30, superpixels: 12, new SuperpixelGrid(3, 4), seed: 8);
        var parameters = model.Module.Parameters().ToList();
        var moments = parameters.Select(p => (
            First: Device.Persistent.Allocate(p.Path + ".smoke.m", DType.F32, p.Shape.ToArray()),
            Second: Device.Persistent.Allocate(p.Path + ".smoke.v", DType.F32, p.Shape.ToArray()))).ToList();
        foreach (var (first, second) in moments)
        {
            Device.Upload<float>(first, new float[first.ElementCount]);
            Device.Upload<float>(second, new float[second.ElementCount]);
        }

        var losses = new List<double>();
        for (var step = 1; step <= 20; step++)
        {
            Device.Scratch.Reset();
            using var recorder = Device.BeginRecording();
            ModuleState.ZeroGradients(model.Module, recorder);
            var recording = objective.RecordStep(Device, recorder, batch);
            for (var k = 0; k < parameters.Count; k++)
                recorder.AdamW(parameters[k].Value, parameters[k].Grad, moments[k].First, moments[k].Second, step,
                    new AdamWSettings(3e-3, WeightDecay: 0), parameters[k].WeightDecay);
            recorder.Submit();
            losses.Add(recording.Losses.Sum(t => t.Weight * (double)Device.Download<float>(t.Value)[0]));
        }
        output.WriteLine(string.Join(" ", losses.Select(l => l.ToString("F4"))));
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(losses.TakeLast(3).Average() < 0.85 * losses[0], $"loss went {losses[0]:F4} -> {losses[^1]:F4}");
    }
}
