using ClustSeg.Runtime.Ops;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class GradientScaleTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private float[] Run(double[] grads, Action<ClustSeg.Runtime.Recording.CommandRecorder, ClustSeg.Runtime.Tensors.Tensor> record)
    {
        var g = Device.Upload("g", grads, grads.Length);
        using (var recorder = Device.BeginRecording())
        {
            record(recorder, g);
            recorder.Submit();
        }
        return Device.Read(g);
    }

    [Fact]
    public void ScalesByHostFactor()
    {
        var g = Numerics.RoundToFloat(Numerics.Random(1001, 1));
        var result = Run(g, (r, t) => r.ScaleGradients(t, 0.25f));
        Numerics.AssertClose(result, g.Select(x => x * 0.25).ToArray(), 1e-7, "scaled");
    }

    [Theory]
    [InlineData(10.0, 2.0)]  // clipped: factor 2 / (10 + 1e-6)
    [InlineData(1.5, 2.0)]   // under the limit: unchanged
    public void ClipsByDeviceNormLikeTorch(double norm, double maxNorm)
    {
        var g = Numerics.RoundToFloat(Numerics.Random(517, 2));
        var n = Device.Upload("norm", [norm], 1);
        var result = Run(g, (r, t) => r.ClipGradientsByNorm(t, n, (float)maxNorm));
        var factor = Math.Min(1, maxNorm / (norm + 1e-6));
        Numerics.AssertClose(result, g.Select(x => x * factor).ToArray(), 1e-6, "clipped");
    }
}
