using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Layers;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Training;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Nn;

public sealed class ParameterBlockTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>Two linear layers under one root: decayed weights and undecayed biases of awkward sizes.</summary>
    private sealed class TwoLayers : Module
    {
        public TwoLayers()
        {
            First = RegisterChild("first", new Linear(7, 5, bias: true));
            Second = RegisterChild("second", new Linear(5, 3, bias: true));
        }

        public Linear First { get; }
        public Linear Second { get; }
    }

    [Fact]
    public void ParametersAreViewsOfOneBlockPerWeightDecayFlagAndKeepTheirValues()
    {
        var model = new TwoLayers();
        ModuleState.Initialize(model, Device, seed: 5);
        var parameters = model.Parameters().ToList();
        var blocks = parameters.Select(p => p.Block).Distinct().ToList();
        Assert.Equal(2, blocks.Count);
        Assert.All(parameters, p => Assert.Equal(p.WeightDecay, p.Block!.WeightDecay));
        Assert.All(parameters, p => Assert.Equal(p.Path, p.Value.Name));
        Assert.All(parameters, p => Assert.Equal(p.ElementCount, p.Value.ElementCount));
        // Values round-trip through their views, the gaps between slots stay zero.
        var expected = ModuleState.InitialValues(model, seed: 5).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.All(parameters, p => Assert.Equal(expected[p.Path], Device.Download<float>(p.Value)));
        foreach (var block in blocks)
        {
            var flat = Device.Download<float>(block!.Values);
            var used = block.Slots.SelectMany(s => Enumerable.Range((int)s.Offset, (int)s.Parameter.ElementCount)).ToHashSet();
            Assert.All(Enumerable.Range(0, flat.Length).Where(i => !used.Contains(i)), i => Assert.Equal(0f, flat[i]));
        }
    }

    [Fact]
    public void TheUpdateOverWholeBlocksEqualsTheUpdatePerTensor()
    {
        // The optimizer over the whole model updates each block in one dispatch; optimizers over each layer (whose
        // parameters are only part of a block) fall back to one update per tensor. Without clipping (a large norm
        // bound) both must give the same weights, bit for bit, after a few steps with the same gradients.
        var settings = new AdamWSettings(0.01, WeightDecay: 0.1);
        var whole = new TwoLayers();
        var parts = new TwoLayers();
        ModuleState.Initialize(whole, Device, seed: 9);
        ModuleState.Initialize(parts, Device, seed: 9);
        var wholeOptimizer = new AdamWOptimizer(Device, whole, settings, maxGradientNorm: 1e9f);
        var partOptimizers = new[] { parts.First, parts.Second }.Select(m => new AdamWOptimizer(Device, m, settings, maxGradientNorm: 1e9f)).ToList();
        for (var step = 1; step <= 3; step++)
        {
            foreach (var (a, b) in whole.Parameters().Zip(parts.Parameters()))
            {
                var gradient = Numerics.Random((int)a.ElementCount, 100 * step + a.Path.Length).Select(v => (float)v).ToArray();
                Device.Upload<float>(a.Grad, gradient);
                Device.Upload<float>(b.Grad, gradient);
            }
            using var recorder = Device.BeginRecording(profile: true);
            wholeOptimizer.RecordUpdate(recorder, step, 0.01);
            foreach (var optimizer in partOptimizers) optimizer.RecordUpdate(recorder, step, 0.01);
            recorder.Submit();
            Assert.Equal(2, recorder.Timings.Count(t => t.Kernel.StartsWith("adamw", StringComparison.Ordinal) && t.Output.StartsWith("parameters.", StringComparison.Ordinal)));
        }
        foreach (var (a, b) in whole.Parameters().Zip(parts.Parameters()))
            Assert.Equal(Device.Download<float>(b.Value), Device.Download<float>(a.Value));
    }

    [Fact]
    public void ZeroingTheGradientsOfAModelFillsEachBlockOnce()
    {
        var model = new TwoLayers();
        ModuleState.Initialize(model, Device, seed: 1);
        foreach (var p in model.Parameters()) Device.Upload<float>(p.Grad, Enumerable.Repeat(1f, (int)p.ElementCount).ToArray());
        using (var recorder = Device.BeginRecording())
        {
            ModuleState.ZeroGradients(model, recorder);
            Assert.Equal(2, recorder.FillCount);
            recorder.Submit();
        }
        Assert.All(model.Parameters(), p => Assert.All(Device.Download<float>(p.Grad), v => Assert.Equal(0f, v)));
    }
}
