using ClustSeg.Runtime.Models;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Models;

public sealed class ClustSegForwardTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Theory]
    [InlineData("clustseg-tiny", ClustSegTask.Semantic, 7, 0, 1, 64, 64)]
    [InlineData("clustseg-tiny", ClustSegTask.Instance, 5, 5, 1, 64, 64)]
    [InlineData("clustseg-tiny", ClustSegTask.Panoptic, 9, 4, 2, 64, 96)]
    [InlineData("clustseg-small", ClustSegTask.Semantic, 7, 0, 1, 64, 64)]
    [InlineData("clustseg-small", ClustSegTask.Instance, 5, 5, 1, 64, 64)]
    [InlineData("clustseg-small", ClustSegTask.Panoptic, 9, 4, 1, 64, 64)]
    public void EveryDecoderLayerPredictsClassesAndMasks(string variant, ClustSegTask task, int classes, int things, int batch, int height, int width)
    {
        var model = new ClustSegModel(ClustSegVariant.Find(variant), task, ClustSegCheckpointLayoutTests.Names(classes), things);
        model.Initialize(Device, seed: 1);
        // Class seeds come from the bank, which starts at zero; give it values so that they differ per class.
        if (model.Bank is { } bank) Device.Upload<float>(bank.Value, Numerics.ToFloat(Numerics.Random((int)bank.ElementCount, 5)));
        var centres = task switch
        {
            ClustSegTask.Semantic => classes,
            ClustSegTask.Instance => model.Variant.ThingSeeds,
            _ => classes - things + model.Variant.ThingSeeds,
        };

        var result = ModelRun.Forward(Device, model, Numerics.Random(batch * 3 * height * width, 2), [batch, 3, height, width]);

        var layers = variant == "clustseg-tiny" ? 3 : 6;
        var dim = variant == "clustseg-tiny" ? 64 : 128;
        Assert.Equal(layers, model.DecoderLayers);
        Assert.Equal(Enumerable.Repeat(new[] { batch, centres, classes + 1 }, layers), result.ClassShapes);
        Assert.Equal(Enumerable.Repeat(new[] { batch, centres, height / 4, width / 4 }, layers), result.MaskShapes);
        Assert.Equal([batch, centres, dim], result.CentreShape);
        Assert.Equal([batch, dim, height / 8, width / 8], result.Features8Shape);
        Assert.All(result.ClassLogits.Concat(result.MaskLogits).SelectMany(v => v), v => Assert.True(float.IsFinite(v)));
        // The decoder layers refine the centres: successive layers predict differently.
        Assert.NotEqual(result.MaskLogits[0], result.MaskLogits[1]);
        // Centres are LayerNorm outputs with weight 1 and bias 0 at initialisation: each has mean 0 and variance 1.
        for (var k = 0; k < batch * centres; k++)
        {
            var row = result.Centres.AsSpan(k * dim, dim).ToArray();
            Assert.InRange(row.Average(), -1e-4, 1e-4);
            Assert.InRange(row.Average(v => v * v), 0.99, 1.01);
        }
        // The shared class head reads the last layer's centres: logits = centres W^T + b.
        var head = model.Module.Parameters().ToDictionary(p => p.Path);
        var weight = Device.Read(head["heads.class_embed.weight"].Value);
        var bias = Device.Read(head["heads.class_embed.bias"].Value);
        var expected = new double[batch * centres * (classes + 1)];
        for (var k = 0; k < batch * centres; k++)
            for (var c = 0; c <= classes; c++)
            {
                double sum = bias[c];
                for (var d = 0; d < dim; d++) sum += (double)result.Centres[k * dim + d] * weight[c * dim + d];
                expected[k * (classes + 1) + c] = sum;
            }
        Numerics.AssertClose(result.ClassLogits[^1], expected, 1e-4, "class logits of the last layer");
        ModelRun.Release(Device, model);
    }

    [Fact]
    public void TheSameSeedGivesTheSameOutputsAndAnotherSeedOthers()
    {
        HostOutputs Run(int seed)
        {
            var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Instance, ["a", "b"], 2);
            model.Initialize(Device, seed);
            var result = ModelRun.Forward(Device, model, Numerics.Random(3 * 32 * 32, 9), [1, 3, 32, 32]);
            ModelRun.Release(Device, model);
            return result;
        }

        var first = Run(4);
        var again = Run(4);
        var other = Run(5);

        Assert.Equal(first.MaskLogits[^1], again.MaskLogits[^1]);
        Assert.Equal(first.ClassLogits[^1], again.ClassLogits[^1]);
        Assert.NotEqual(first.MaskLogits[^1], other.MaskLogits[^1]);
    }

    [Fact]
    public void InputsThatAreNotMultiplesOf32AreRefused()
    {
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Instance, ["a"], 1);
        using var recorder = Device.BeginRecording();
        var context = new ClustSeg.Runtime.Nn.ModuleContext(Device, recorder, ClustSeg.Runtime.Nn.KernelGradientAccumulator.Instance, recordsBackward: false);
        var image = Device.Upload("image", new double[3 * 40 * 64], 1, 3, 40, 64);

        var error = Assert.Throws<ArgumentException>(() => model.Forward(context, image));

        Assert.Contains("multiples of 32", error.Message);
    }
}
