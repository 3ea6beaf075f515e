using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Layers;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Nn.Layers;

/// <summary>
/// <see cref="ModuleContext.SkipGradientOf"/>: a convolution reading a gradient-free tensor (the image) records no input
/// gradient and returns null, while its parameter gradients stay exactly those of a full backward pass.
/// </summary>
public sealed class SkippedInputGradientTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Theory]
    [InlineData(3, 8, 16, 2)]  // the stem: RGB image, stride 2
    [InlineData(5, 4, 9, 1)]   // odd sizes, stride 1
    public void Conv2dSkipsOnlyTheInputGradient(int channels, int outChannels, int size, int stride)
    {
        var full = Run(channels, outChannels, size, stride, skip: false);
        var skipped = Run(channels, outChannels, size, stride, skip: true);

        Assert.NotNull(full.InputGradient);
        Assert.Null(skipped.InputGradient);
        Assert.Contains(full.Outputs, name => name.EndsWith(".dx", StringComparison.Ordinal));
        Assert.DoesNotContain(skipped.Outputs, name => name.EndsWith(".dx", StringComparison.Ordinal));
        Assert.True(skipped.Outputs.Count < full.Outputs.Count, "skipping the input gradient must remove its dispatches");
        // The same kernels run for the parameters either way, so the gradients must agree to the bit.
        Assert.Equal(full.Weight, skipped.Weight);
        Assert.Equal(full.Bias, skipped.Bias);
        Assert.Contains(full.Weight, v => v != 0f);
    }

    private (float[]? InputGradient, List<string> Outputs, float[] Weight, float[] Bias) Run(int channels, int outChannels, int size, int stride, bool skip)
    {
        var layer = new Conv2d(channels, outChannels, 3, stride, 1, 1, 1, bias: true);
        ModuleState.Allocate(layer, Device);
        foreach (var (parameter, i) in layer.Parameters().Select((p, i) => (p, i)))
        {
            Device.Upload<float>(parameter.Value, Numerics.ToFloat(Numerics.Random((int)parameter.ElementCount, 40 + i)));
            Device.Upload<float>(parameter.Grad, new float[parameter.ElementCount]);
        }
        var image = Device.Upload("image", Numerics.Random(2 * channels * size * size, 41), 2, channels, size, size);
        using var recorder = Device.BeginRecording(profile: true);
        var context = new ModuleContext(Device, recorder, KernelGradientAccumulator.Instance, recordsBackward: true);
        if (skip) context.SkipGradientOf(image);
        var output = layer.Forward(context, image);
        Assert.True(context.NeedsGradient(output));
        var upstream = Device.Upload("upstream", Numerics.Random((int)output.ElementCount, 42), output.Shape.ToArray());
        var forwardDispatches = recorder.DispatchCount;
        var inputGradient = layer.Backward(context, upstream);
        recorder.Submit();
        var outputs = recorder.Timings.Skip(forwardDispatches).Select(t => t.Output).ToList();
        return (inputGradient is null ? null : Device.Read(inputGradient), outputs, Device.Read(layer.Weight.Grad), Device.Read(layer.Bias!.Grad));
    }
}
