using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;
using Xunit.Abstractions;

namespace ClustSeg.Tests.Kernels;

public sealed class ZzTmpBench(VulkanFixture fixture, ITestOutputHelper output) : VulkanTest(fixture)
{
    private void Time(string name, double bytes, Action<CommandRecorder> record)
    {
        using var recorder = Device.BeginRecording(profile: true);
        record(recorder);
        var times = new List<double>();
        for (var i = 0; i < 5; i++) { recorder.Submit(); times.Add(recorder.Timings.Sum(t => t.Milliseconds)); }
        times.Sort();
        var ms = times[2];
        output.WriteLine($"{name}: {ms:F3} ms, {bytes / ms / 1e6:F2} GB/s");
    }

    [Fact]
    public void Bench()
    {
        Tensor T0(params int[] s) => Device.Scratch.Allocate("t", DType.F32, s);
        const int n = 2, c = 64, h = 128, w = 128;
        long e = (long)n * c * h * w;
        var x = T0(n, c, h, w); var y = T0(n, c, h, w); var z = T0(n, c, h, w); var dy = T0(n, c, h, w);
        Time("add 2M", 12 * e, r => r.Add(x, y, z));
        Time("gelu 2M", 8 * e, r => r.Gelu(x, z));
        var wgt = T0(c); var m = T0(n, 8); var rs = T0(n, 8); var dw = T0(c); var db = T0(c);
        Time("groupnorm fwd", 8 * e, r => r.GroupNorm(x, wgt, wgt, y, m, rs));
        Time("groupnorm bwd", 16 * e, r => r.GroupNormBackward(x, dy, wgt, m, rs, z, dw, db));
        var attn = T0(4, 100, 4096); var attnY = T0(4, 100, 4096);
        Time("softmax cols [4,100,4096] axis1", 8.0 * attn.ElementCount, r => r.Softmax(attn, attnY, 1));
        Time("softmax rows [400,4096] axis-1", 8.0 * attn.ElementCount, r => r.Softmax(attn.Reshape(400, 4096), attnY.Reshape(400, 4096), 1));
        var up = T0(n, c, 2 * h, 2 * w);
        Time("resize 2x up", 4.0 * (e + up.ElementCount), r => r.ResizeBilinear(x, up));
        Time("resize 2x up bwd", 4.0 * (e + up.ElementCount), r => r.ResizeBilinearBackward(up, x));
        var tok = T0(n, h * w, c);
        Time("permute nchw->nhwc", 8.0 * e, r => r.NchwToNhwc(x, tok));
        var ln = T0(n * h * w / 4, 128); var lny = T0(n * h * w / 4, 128); var lw = T0(128); var lm = T0(n * h * w / 4); var lr = T0(n * h * w / 4);
        Time("layernorm fwd [8192,128]", 8.0 * ln.ElementCount, r => r.LayerNorm(ln, lw, lw, lny, lm, lr));
    }
}
