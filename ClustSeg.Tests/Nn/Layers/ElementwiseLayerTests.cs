using ClustSeg.Runtime.Nn.Layers;
using ClustSeg.Tests.Support;
using static ClustSeg.Tests.Nn.Layers.LayerReferences;

namespace ClustSeg.Tests.Nn.Layers;

public sealed class ElementwiseLayerTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private static readonly int[] Shape = [2, 3, 5, 7];

    [Fact]
    public void ReluMatchesReference()
    {
        var layer = new ReLU();
        new LayerHarness(Device).Check(layer, [LayerInput.Random(1, Shape)], Shape, (x, _) => x[0].Select(v => Math.Max(v, 0)).ToArray(),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Fact]
    public void GeluMatchesReference()
    {
        var layer = new Gelu();
        var input = LayerInput.Random(2, Shape) with { Values = Numerics.RoundToFloat(Numerics.Random(210, 2, scale: 2.5)) };
        new LayerHarness(Device).Check(layer, [input], Shape, (x, _) => x[0].Select(Gelu).ToArray(),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Fact]
    public void ScaleMatchesReference()
    {
        var layer = new Scale(-0.37f);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(3, 3, 11)], [3, 11], (x, _) => x[0].Select(v => v * (double)-0.37f).ToArray(),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Fact]
    public void AddMatchesReference()
    {
        var layer = new Add();
        new LayerHarness(Device).Check(layer, [LayerInput.Random(4, 5, 13), LayerInput.Random(5, 5, 13)], [5, 13],
            (x, _) => x[0].Select((v, i) => v + x[1][i]).ToArray(),
            (context, t) => layer.Forward(context, t[0], t[1]), (context, g) => { var (a, b) = layer.Backward(context, g); return [a, b]; });
    }

    [Fact]
    public void MulMatchesReference()
    {
        var layer = new Mul();
        new LayerHarness(Device).Check(layer, [LayerInput.Random(6, 2, 3, 7), LayerInput.Random(7, 2, 3, 7)], [2, 3, 7],
            (x, _) => x[0].Select((v, i) => v * x[1][i]).ToArray(),
            (context, t) => layer.Forward(context, t[0], t[1]), (context, g) => { var (a, b) = layer.Backward(context, g); return [a, b]; });
    }
}
