using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Layers;
using ClustSeg.Tests.Support;
using static ClustSeg.Tests.Nn.Layers.LayerReferences;

namespace ClustSeg.Tests.Nn.Layers;

public sealed class ShapeLayerTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void ConcatJoinsAlongDimensionOne()
    {
        var layer = new Concat();
        int[] channels = [3, 1, 4];
        var inputs = channels.Select((c, i) => LayerInput.Random(10 + i, 2, c, 5)).ToArray();
        new LayerHarness(Device).Check(layer, inputs, [2, 8, 5],
            (x, _) => Enumerable.Range(0, 2).SelectMany(b => x.SelectMany((part, i) => part.Skip(b * channels[i] * 5).Take(channels[i] * 5))).ToArray(),
            (context, t) => layer.Forward(context, t), (context, g) => layer.Backward(context, g));
    }

    [Fact]
    public void SliceTakesChannels()
    {
        var layer = new Slice(2, 5);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(20, 2, 7, 3, 2)], [2, 3, 3, 2],
            (x, _) => Enumerable.Range(0, 2).SelectMany(b => x[0].Skip((b * 7 + 2) * 6).Take(3 * 6)).ToArray(),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Fact]
    public void FlattenAndUnflattenAreViews()
    {
        var flatten = new Flatten();
        new LayerHarness(Device).Check(flatten, [LayerInput.Random(21, 2, 3, 4, 5)], [2, 3, 20], (x, _) => x[0],
            (context, t) => flatten.Forward(context, t[0]), (context, g) => [flatten.Backward(context, g)]);
        var unflatten = new Unflatten();
        new LayerHarness(Device).Check(unflatten, [LayerInput.Random(22, 2, 3, 15), LayerInput.Random(23, 2, 1, 5, 3) with { Differentiable = false }],
            [2, 3, 5, 3], (x, _) => x[0],
            (context, t) => unflatten.Forward(context, t[0], t[1]), (context, g) => { var (a, b) = unflatten.Backward(context, g); return [a, b]; });
    }

    [Theory]
    [InlineData(new[] { 2, 5, 3 })]
    [InlineData(new[] { 7, 4 })]
    [InlineData(new[] { 2, 3, 5, 6 })]
    public void TransposeSwapsTheLastTwoDimensions(int[] shape)
    {
        var layer = new Transpose();
        int rows = shape[^2], cols = shape[^1], batch = shape.SkipLast(2).Aggregate(1, (a, d) => a * d);
        var swapped = shape.ToArray();
        (swapped[^1], swapped[^2]) = (rows, cols);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(24, shape)], swapped, (x, _) => Transpose(x[0], batch, rows, cols),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Fact]
    public void ExpandBatchRepeatsAndSumsOverTheBatch()
    {
        var layer = new ExpandBatch();
        new LayerHarness(Device).Check(layer, [LayerInput.Random(25, 5, 3), LayerInput.Random(26, 3, 2, 2) with { Differentiable = false }], [3, 5, 3],
            (x, _) => Enumerable.Repeat(x[0], 3).SelectMany(v => v).ToArray(),
            (context, t) => layer.Forward(context, t[0], t[1]), (context, g) => { var (a, b) = layer.Backward(context, g); return [a, b]; });
    }

    [Theory]
    [InlineData(1, 8, 3, 5)]
    [InlineData(3, 12, 4, 2)]
    public void SinePositionRepeatsTheCodePerSample(int batch, int channels, int h, int w)
    {
        var layer = new SinePosition(channels);
        var code = PositionCode(channels, h, w);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(27, batch, 2, h, w) with { Differentiable = false }], [batch, channels, h, w],
            (_, _) => Enumerable.Repeat(code, batch).SelectMany(v => v).ToArray(),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Fact]
    public void GradientAccumulatorAddsIntoANewTensor()
    {
        using var recorder = Device.BeginRecording();
        var context = new ModuleContext(Device, recorder, KernelGradientAccumulator.Instance, recordsBackward: true);
        var a = Numerics.Random(35, 1);
        var b = Numerics.Random(35, 2);
        var first = Device.Upload("a", a, 5, 7);
        var second = Device.Upload("b", b, 5, 7);
        var sum = context.AccumulateGradient(first, second)!;
        recorder.Submit();
        Assert.NotSame(first, sum);
        Assert.Equal([5, 7], sum.Shape);
        Numerics.AssertClose(Device.Read(sum), Numerics.RoundToFloat(a).Select((v, i) => v + Numerics.RoundToFloat(b)[i]).ToArray());
        Numerics.AssertClose(Device.Read(first), Numerics.RoundToFloat(a), 0, "first operand (unchanged)");
    }
}
