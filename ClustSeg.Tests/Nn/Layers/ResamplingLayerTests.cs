using ClustSeg.Runtime.Nn.Layers;
using ClustSeg.Tests.Support;
using static ClustSeg.Tests.Nn.Layers.LayerReferences;

namespace ClustSeg.Tests.Nn.Layers;

public sealed class ResamplingLayerTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void ResizeBilinearByFactor()
    {
        var layer = new ResizeBilinear(3);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(1, 2, 2, 3, 5)], [2, 2, 9, 15], (x, _) => ResizeBilinear(x[0], 4, 3, 5, 9, 15),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Fact]
    public void ResizeBilinearLikeTakesTheOtherSizeAndGivesItNoGradient()
    {
        var layer = new ResizeBilinearLike();
        new LayerHarness(Device).Check(layer, [LayerInput.Random(2, 1, 3, 7, 4), LayerInput.Random(3, 1, 2, 3, 9) with { Differentiable = false }],
            [1, 3, 3, 9], (x, _) => ResizeBilinear(x[0], 3, 7, 4, 3, 9),
            (context, t) => layer.Forward(context, t[0], t[1]), (context, g) => { var (a, b) = layer.Backward(context, g); return [a, b]; });
    }

    [Fact]
    public void AdaptiveAvgPoolUsesPyTorchCells()
    {
        var layer = new AdaptiveAvgPool2d(3, 2);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(4, 2, 3, 7, 5)], [2, 3, 3, 2], (x, _) => AdaptiveAvgPool(x[0], 6, 7, 5, 3, 2),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Theory]
    [InlineData(3, 2, 1)]
    [InlineData(2, 2, 0)]
    [InlineData(3, 1, 1)]
    public void MaxPoolMatchesReference(int kernel, int stride, int padding)
    {
        var layer = new MaxPool2d(kernel, stride, padding);
        int oh = (7 + 2 * padding - kernel) / stride + 1, ow = (6 + 2 * padding - kernel) / stride + 1;
        new LayerHarness(Device).Check(layer, [LayerInput.Random(5, 2, 2, 7, 6)], [2, 2, oh, ow], (x, _) => MaxPool(x[0], 4, 7, 6, kernel, stride, padding),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 5 }, -1)]
    [InlineData(new[] { 2, 4, 3, 2 }, 1)]
    public void SoftmaxAlongAnyDimension(int[] shape, int dim)
    {
        var layer = new Softmax(dim);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(6, shape)], shape, (x, _) => Softmax(x[0], shape, dim),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Theory]
    [InlineData(new[] { 3, 7 }, -1)]
    [InlineData(new[] { 2, 5, 3 }, 1)]
    public void L2NormalizeAlongAnyDimension(int[] shape, int dim)
    {
        var layer = new L2Normalize(dim, 1e-12f);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(7, shape)], shape, (x, _) => L2Normalize(x[0], shape, dim, 1e-12),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }
}
