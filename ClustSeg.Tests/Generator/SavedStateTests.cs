using ClustSeg.Runtime.Nn;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Generator;

public sealed class SavedStateTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void BackwardPopsTheStatesOfRepeatedForwardsInReverseOrder()
    {
        var root = new Holder();
        using var recorder = Device.BeginRecording();
        var context = new ModuleContext(Device, recorder, new HostGradientAccumulator(), recordsBackward: true);

        foreach (var step in new[] { 1, 2, 3 }) root.Head.Forward(context, step);

        Assert.Equal(3, root.Head.SavedStateDepth);
        Assert.Equal([3, 2, 1], new[] { root.Head.Backward(), root.Head.Backward(), root.Head.Backward() });
        var error = Assert.Throws<InvalidOperationException>(() => root.Head.Backward());
        Assert.Contains("Backward of 'heads' (Counter) found no saved Forward state", error.Message);
    }

    [Fact]
    public void InferenceKeepsNothingAndClearingDropsWhatTrainingKept()
    {
        var root = new Holder();
        using var recorder = Device.BeginRecording();
        var inference = new ModuleContext(Device, recorder, new HostGradientAccumulator(), recordsBackward: false);
        var training = new ModuleContext(Device, recorder, new HostGradientAccumulator(), recordsBackward: true);

        root.Head.Forward(inference, 1);
        Assert.Equal(0, root.Head.SavedStateDepth);
        root.Head.Forward(training, 1);
        root.ClearSavedState();
        Assert.Equal(0, root.Head.SavedStateDepth);
    }

    private sealed class Holder : Module
    {
        public Holder() => Head = RegisterChild("heads", new Counter());

        public Counter Head { get; }
    }

    private sealed class Counter : Module
    {
        public void Forward(ModuleContext context, int step) => SaveForBackward(context, step);

        public int Backward() => RestoreForBackward<int>();
    }
}
