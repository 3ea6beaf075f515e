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
    public void ElementsPastTheEndInTheLastTexelAreNotCounted()
    {
        // The kernel reads whole vec4 texels; a 5-element tensor's second texel holds 3 elements of whatever the arena
        // held before. Fill that memory first, then reallocate it for the smaller tensor.
        Device.Scratch.Reset();
        Device.Upload("earlier", Enumerable.Repeat(100.0, 64).ToArray(), 64);
        Device.Scratch.Reset();
        var a = Device.Upload("a", [1.0, 2.0, 2.0, 4.0, 2.0], 5);
        var norm = Device.Poisoned("norm", 1);
        using (var recorder = Device.BeginRecording())
        {
            recorder.GlobalGradientNorm([a], norm);
            recorder.Submit();
        }
        Assert.Equal(Math.Sqrt(29.0), Device.Read(norm)[0], 5);
    }

    [Fact]
    public void EmptyListIsRejected()
    {
        var norm = Device.Scratch.Allocate("norm", DType.F32, 1);
        using var recorder = Device.BeginRecording();
        Assert.Throws<ShapeMismatchException>(() => recorder.GlobalGradientNorm([], norm));
    }
}
