using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Layers;
using ClustSeg.Tests.Support;
using static ClustSeg.Tests.Nn.Layers.LayerReferences;

namespace ClustSeg.Tests.Nn.Layers;

public sealed class NormLayerTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Theory]
    [InlineData(new[] { 2, 6, 3, 5 }, 3, 1e-5f)]
    [InlineData(new[] { 3, 4, 7 }, 2, 1e-3f)]     // [B, C, N]
    [InlineData(new[] { 2, 5, 2, 3 }, 5, 1e-5f)]  // one channel per group
    public void GroupNormMatchesReference(int[] shape, int groups, float eps)
    {
        int n = shape[0], c = shape[1], hw = shape.Skip(2).Aggregate(1, (a, d) => a * d), size = c / groups * hw;
        var layer = new GroupNorm(groups, c, eps);
        Assert.Equal(ParameterInit.Ones, layer.Weight.Init);
        Assert.Equal(ParameterInit.Zeros, layer.Bias.Init);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(3, shape)], shape,
            (x, p) => Normalize(x[0], n * groups, size, eps, p["weight"], p["bias"], (s, i) => s % groups * (c / groups) + i / hw),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Fact]
    public void GroupNormWithReluIsTheReluOfTheNormalisation()
    {
        // relu: true fuses the activation into the normalisation's pass; the backward masks by the output it kept.
        int[] shape = [2, 8, 3, 5];
        const int groups = 4, c = 8, hw = 15, size = c / groups * hw;
        var layer = new GroupNorm(groups, c, 1e-5f, relu: true);
        Assert.True(layer.Relu);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(5, shape)], shape,
            (x, p) => Normalize(x[0], 2 * groups, size, 1e-5, p["weight"], p["bias"], (s, i) => s % groups * (c / groups) + i / hw)
                .Select(v => Math.Max(v, 0)).ToArray(),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 7 }, 1e-5f)]
    [InlineData(new[] { 5, 16 }, 1e-2f)]
    public void LayerNormMatchesReference(int[] shape, float eps)
    {
        var width = shape[^1];
        var layer = new LayerNorm(width, eps);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(4, shape)], shape,
            (x, p) => Normalize(x[0], x[0].Length / width, width, eps, p["weight"], p["bias"], (_, i) => i),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 5 }, 4, 2)]
    [InlineData(new[] { 7 }, 3, 0)]
    public void RowEmbeddingAddsItsRow(int[] shape, int rows, int row)
    {
        var dim = shape[^1];
        var layer = new RowEmbedding(rows, dim);
        Assert.Equal(ParameterInit.Normal(0, 1), layer.Weight.Init);
        Assert.False(layer.Weight.WeightDecay);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(5, shape)], shape,
            (x, p) => x[0].Select((v, i) => v + p["weight"][row * dim + i % dim]).ToArray(),
            (context, t) => layer.Forward(context, t[0], row), (context, g) => [layer.Backward(context, g)]);
    }
}
