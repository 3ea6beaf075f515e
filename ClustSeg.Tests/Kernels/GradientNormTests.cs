using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class GradientNormTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void NormOverElevenTensorsMatchesReference()
    {
        // Two chunks of bindings (8 + 3), a tensor larger than 64 workgroups' stride, and single elements.
        int[] sizes = [20011, 1, 3, 257, 999, 64, 7, 1, 4099, 13, 2];
        var arrays = sizes.Select((n, i) => Numerics.RoundToFloat(Numerics.Random(n, 100 + i, 1 + i % 3))).ToArray();
        var tensors = arrays.Select((a, i) => Device.Upload($"g{i}", a, a.Length)).ToList();
        var norm = Device.Poisoned("norm", 1);
        using (var recorder = Device.BeginRecording())
        {
            recorder.GlobalGradientNorm(tensors, norm);
            recorder.Submit();
        }
        var expected = Math.Sqrt(arrays.Sum(a => a.Sum(x => x * x)));
        Numerics.AssertClose(Device.Read(norm), [expected], 1e-6, "norm");
    }

    [Fact]
    public void HandComputedNorm()
    {
        var a = Device.Upload("a", [3.0], 1);
        var b = Device.Upload("b", [0.0, 4.0, 12.0], 3);
        var norm = Device.Poisoned("norm", 1);
        using (var recorder = Device.BeginRecording())
        {
            recorder.GlobalGradientNorm([a, b], norm);
            recorder.Submit();
        }
        Assert.Equal(13f, Device.Read(norm)[0], 5);
    }

    [Fact]
    public void EmptyListIsRejected()
    {
        var norm = Device.Scratch.Allocate("norm", DType.F32, 1);
        using var recorder = Device.BeginRecording();
        Assert.Throws<ShapeMismatchException>(() => recorder.GlobalGradientNorm([], norm));
    }
}
