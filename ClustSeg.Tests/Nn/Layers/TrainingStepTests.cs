using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Layers;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Nn.Layers;

public sealed class TrainingStepTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void StepZeroesGradientsBeforeBackward()
    {
        var layer = new Linear(3, 2, bias: true);
        ModuleState.Initialize(layer, Device, seed: 1);
        Device.Upload<float>(layer.Weight.Grad, Enumerable.Repeat(5f, 6).ToArray()); // stale gradient of an earlier step
        var x = Numerics.RoundToFloat(Numerics.Random(12, seed: 2));
        var input = Device.Upload("x", x, 4, 3);
        using var recorder = Device.BeginRecording();
        TrainingStep.Record(TrainingStep.TrainingContext(Device, recorder), layer,
            context => layer.Forward(context, input),
            (context, y) => layer.Backward(context, TrainingStep.SeedGradient(context, y, 1f)));
        recorder.Submit();
        // With dy = 1: dW[o, i] = sum over rows of x[r, i], the same for every output.
        var expected = Enumerable.Range(0, 6).Select(k => Enumerable.Range(0, 4).Sum(r => x[r * 3 + k % 3])).ToArray();
        Numerics.AssertClose(Device.Read(layer.Weight.Grad), expected);
        Numerics.AssertClose(Device.Read(layer.Bias!.Grad), [4.0, 4.0]);
    }

    [Fact]
    public void StepWithoutBackwardIsReported()
    {
        var layer = new Linear(3, 2, bias: false);
        ModuleState.Initialize(layer, Device, seed: 1);
        var input = Device.Upload("x", new double[6], 2, 3);
        using var recorder = Device.BeginRecording();
        var error = Assert.Throws<InvalidOperationException>(() => TrainingStep.Record(TrainingStep.TrainingContext(Device, recorder), layer,
            context => layer.Forward(context, input), (_, _) => { }));
        Assert.Contains("still hold Forward state", error.Message);
        Assert.Equal(0, layer.SavedStateDepth);
    }

    [Fact]
    public void SeedMustMatchTheOutput()
    {
        using var recorder = Device.BeginRecording();
        var context = TrainingStep.TrainingContext(Device, recorder);
        var output = Device.Scratch.Allocate("y", DType.F32, 2, 3);
        Assert.Throws<ArgumentException>(() => TrainingStep.SeedGradient(context, output, new float[5]));
    }
}
