using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Layers;
using ClustSeg.Tests.Support;
using static ClustSeg.Tests.Nn.Layers.LayerReferences;

namespace ClustSeg.Tests.Nn.Layers;

public sealed class ConvLinearLayerTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Theory]
    [InlineData(2, 4, 5, 7, 6, 3, 2, 1, 1, 2, true)]   // strided, grouped, odd sizes
    [InlineData(1, 3, 6, 5, 5, 3, 1, 2, 2, 1, false)]  // dilated, padded wider than the kernel's reach
    [InlineData(1, 4, 4, 8, 4, 3, 1, 1, 1, 1, true)]   // widths and channels that fit the vec4 kernels
    [InlineData(2, 3, 3, 3, 2, 1, 1, 0, 1, 1, true)]   // 1x1
    public void Conv2dMatchesReference(int n, int c, int h, int w, int o, int k, int stride, int pad, int dilation, int groups, bool bias)
    {
        var layer = new Conv2d(c, o, k, stride, pad, dilation, groups, bias);
        Assert.Equal([o, c / groups, k, k], layer.Weight.Shape);
        Conv2d(new double[n * c * h * w], n, c, h, w, new double[o * c / groups * k * k], null, o, k, stride, pad, dilation, groups, out var oh, out var ow);
        new LayerHarness(Device).Check(layer, [LayerInput.Random(1, n, c, h, w)], [n, o, oh, ow],
            (x, p) => Conv2d(x[0], n, c, h, w, p["weight"], bias ? p["bias"] : null, o, k, stride, pad, dilation, groups, out _, out _),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 5 }, 7, true)]
    [InlineData(new[] { 11, 4 }, 3, false)]
    [InlineData(new[] { 1, 2, 3, 6 }, 5, true)]
    public void LinearMatchesReference(int[] shape, int outFeatures, bool bias)
    {
        var inFeatures = shape[^1];
        var layer = new Linear(inFeatures, outFeatures, bias);
        var outShape = shape.ToArray();
        outShape[^1] = outFeatures;
        new LayerHarness(Device).Check(layer, [LayerInput.Random(2, shape)], outShape,
            (x, p) => Linear(x[0], p["weight"], bias ? p["bias"] : null, inFeatures, outFeatures),
            (context, t) => layer.Forward(context, t[0]), (context, g) => [layer.Backward(context, g)]);
    }

    [Fact]
    public void ParametersFollowPyTorchLayoutsAndInit()
    {
        var conv = new Conv2d(6, 4, 3, 1, 1, 1, 2, true);
        Assert.Equal(["weight", "bias"], conv.Parameters().Select(p => p.Name));
        Assert.Equal(ParameterInit.PyTorchDefault(3 * 9), conv.Weight.Init);
        Assert.Equal(ParameterInit.PyTorchDefault(3 * 9), conv.Bias!.Init);
        Assert.True(conv.Weight.WeightDecay);
        Assert.False(conv.Bias.WeightDecay);
        var linear = new Linear(5, 2, false);
        Assert.Equal([2, 5], linear.Weight.Shape);
        Assert.Null(linear.Bias);
        Assert.Equal(ParameterInit.PyTorchDefault(5), linear.Weight.Init);
        Assert.Throws<ArgumentException>(() => new Conv2d(6, 4, 3, 1, 1, 1, 4, true));
    }

    [Fact]
    public void WrongChannelsNameTheLayer()
    {
        var layer = new Conv2d(3, 4, 3, 1, 1, 1, 1, false);
        ModuleState.Allocate(layer, Device);
        using var recorder = Device.BeginRecording();
        var context = new ModuleContext(Device, recorder, KernelGradientAccumulator.Instance, recordsBackward: false);
        var error = Assert.Throws<ClustSeg.Runtime.Errors.ShapeMismatchException>(() => layer.Forward(context, Device.Upload("x", new double[2 * 5 * 4 * 4], 2, 5, 4, 4)));
        Assert.Contains("Conv2d", error.Message);
        Assert.Contains("3 input channels", error.Message);
    }
}
