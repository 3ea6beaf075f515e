using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class RCrossEmTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    // Awkward sizes: prime pixel counts (below and above one 64-wide workgroup), odd cluster counts, head widths
    // 4 and 16 (the models' width).
    private const int Batch = 2;
    private const double Epsilon = 1e-6;

    /// <summary>Straight transcription of the E-step and normalised M-step, in double.</summary>
    private static (double[] Centres, double[] Assignment) Forward(double[] q, double[] k, double[] v, int batch, int clusters, int pixels, int channels, int heads)
    {
        var width = channels / heads;
        var scale = 1 / Math.Sqrt(width);
        var centres = new double[batch * clusters * channels];
        var assignment = new double[batch * heads * clusters * pixels];
        for (var b = 0; b < batch; b++)
        for (var h = 0; h < heads; h++)
        {
            var a = new double[clusters, pixels];
            for (var n = 0; n < pixels; n++)
            {
                var logits = new double[clusters];
                for (var c = 0; c < clusters; c++)
                for (var j = 0; j < width; j++)
                    logits[c] += q[(b * clusters + c) * channels + h * width + j] * k[(b * pixels + n) * channels + h * width + j] * scale;
                var max = logits.Max();
                var sum = logits.Sum(l => Math.Exp(l - max));
                for (var c = 0; c < clusters; c++) a[c, n] = Math.Exp(logits[c] - max) / sum;
            }
            for (var c = 0; c < clusters; c++)
            {
                double mass = 0;
                for (var n = 0; n < pixels; n++) mass += a[c, n];
                for (var j = 0; j < width; j++)
                {
                    double s = 0;
                    for (var n = 0; n < pixels; n++) s += a[c, n] * v[(b * pixels + n) * channels + h * width + j];
                    centres[(b * clusters + c) * channels + h * width + j] = s / (mass + Epsilon);
                }
                for (var n = 0; n < pixels; n++) assignment[((b * heads + h) * clusters + c) * pixels + n] = a[c, n];
            }
        }
        return (centres, assignment);
    }

    /// <summary>Reference backward: the chain rule written out per element, independent of the shader's staging.</summary>
    private static (double[] Dq, double[] Dk, double[] Dv) Backward(double[] q, double[] k, double[] v, double[] dc, int batch, int clusters, int pixels, int channels, int heads)
    {
        var width = channels / heads;
        var scale = 1 / Math.Sqrt(width);
        var (_, assignment) = Forward(q, k, v, batch, clusters, pixels, channels, heads);
        var dq = new double[q.Length];
        var dk = new double[k.Length];
        var dv = new double[v.Length];
        for (var b = 0; b < batch; b++)
        for (var h = 0; h < heads; h++)
        {
            double A(int c, int n) => assignment[((b * heads + h) * clusters + c) * pixels + n];
            int Qi(int c, int j) => (b * clusters + c) * channels + h * width + j;
            int Pi(int n, int j) => (b * pixels + n) * channels + h * width + j;
            var mass = new double[clusters];
            var numer = new double[clusters, width];
            for (var c = 0; c < clusters; c++)
            for (var n = 0; n < pixels; n++)
            {
                mass[c] += A(c, n);
                for (var j = 0; j < width; j++) numer[c, j] += A(c, n) * v[Pi(n, j)];
            }
            var dA = new double[clusters, pixels];
            for (var c = 0; c < clusters; c++)
            {
                var d = mass[c] + Epsilon;
                for (var j = 0; j < width; j++)
                {
                    var dNumer = dc[Qi(c, j)] / d;
                    var dMass = -dc[Qi(c, j)] * numer[c, j] / (d * d);
                    for (var n = 0; n < pixels; n++)
                    {
                        dA[c, n] += dNumer * v[Pi(n, j)] + dMass;
                        dv[Pi(n, j)] += A(c, n) * dNumer;
                    }
                }
            }
            for (var n = 0; n < pixels; n++)
            {
                double mean = 0;
                for (var c = 0; c < clusters; c++) mean += A(c, n) * dA[c, n];
                for (var c = 0; c < clusters; c++)
                {
                    var dLogit = A(c, n) * (dA[c, n] - mean) * scale;
                    for (var j = 0; j < width; j++)
                    {
                        dq[Qi(c, j)] += dLogit * k[Pi(n, j)];
                        dk[Pi(n, j)] += dLogit * q[Qi(c, j)];
                    }
                }
            }
        }
        return (dq, dk, dv);
    }

    private static (double[] Q, double[] K, double[] V) Inputs(int batch, int clusters, int pixels, int channels, int seed) =>
        (Numerics.RoundToFloat(Numerics.Random(batch * clusters * channels, seed, 1.5)),
         Numerics.RoundToFloat(Numerics.Random(batch * pixels * channels, seed + 1, 1.5)),
         Numerics.RoundToFloat(Numerics.Random(batch * pixels * channels, seed + 2)));

    [Theory]
    [InlineData(5, 37, 12, 3)]
    [InlineData(67, 131, 32, 2)]
    [InlineData(7, 29, 10, 2)] // head width 5: the scalar slice loops (4 and 16 read vec4)
    [InlineData(67, 132, 32, 2)] // pixels a multiple of 4, not 8: on CPU devices 4 pixels per invocation
    [InlineData(5, 36, 12, 3)]
    [InlineData(9, 40, 16, 2)]   // pixels a multiple of 8: 8 per invocation
    public void ForwardMatchesReference(int clusters, int pixels, int channels, int heads)
    {
        var (q, k, v) = Inputs(Batch, clusters, pixels, channels, 11);
        var (centres, assignment) = Forward(q, k, v, Batch, clusters, pixels, channels, heads);
        var qt = Device.Upload("q", q, Batch, clusters, channels);
        var kt = Device.Upload("k", k, Batch, pixels, channels);
        var vt = Device.Upload("v", v, Batch, pixels, channels);
        var ct = Device.Poisoned("c", Batch, clusters, channels);
        var at = Device.Poisoned("a", Batch, heads, clusters, pixels);
        var mt = Device.Poisoned("m", Batch, heads, clusters);
        using (var recorder = Device.BeginRecording())
        {
            recorder.RCrossEmStep(qt, kt, vt, heads, ct, at, mt);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ct), centres, what: "centres");
        Numerics.AssertClose(Device.Read(at), assignment, what: "assignment");
        var mass = new double[Batch * heads * clusters];
        for (var i = 0; i < mass.Length; i++)
            for (var n = 0; n < pixels; n++) mass[i] += assignment[i * pixels + n];
        Numerics.AssertClose(Device.Read(mt), mass, what: "mass");
        // Each pixel distributes one unit of mass over the clusters, per head.
        var a = Device.Read(at);
        for (var bh = 0; bh < Batch * heads; bh++)
        for (var n = 0; n < pixels; n++)
        {
            double s = 0;
            for (var c = 0; c < clusters; c++) s += a[(bh * clusters + c) * pixels + n];
            Assert.Equal(1.0, s, 5);
        }
    }

    [Fact]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        const int b = 1, kk = 3, n = 7, d = 4, h = 2;
        var (q, k, v) = Inputs(b, kk, n, d, 3);
        var dc = Numerics.Random(b * kk * d, 5);
        var (dq, dk, dv) = Backward(q, k, v, dc, b, kk, n, d, h);
        Numerics.AssertClose(dq, Numerics.NumericGradient(x => Forward(x, k, v, b, kk, n, d, h).Centres, q, dc), 1e-6, "dQ");
        Numerics.AssertClose(dk, Numerics.NumericGradient(x => Forward(q, x, v, b, kk, n, d, h).Centres, k, dc), 1e-6, "dK");
        Numerics.AssertClose(dv, Numerics.NumericGradient(x => Forward(q, k, x, b, kk, n, d, h).Centres, v, dc), 1e-6, "dV");
    }

    [Theory]
    [InlineData(5, 37, 12, 3)]
    [InlineData(67, 131, 32, 2)]
    [InlineData(7, 29, 10, 2)] // head width 5: the scalar slice loops (4 and 16 read vec4)
    [InlineData(67, 132, 32, 2)] // pixels a multiple of 4, not 8: on CPU devices 4 pixels per invocation
    [InlineData(5, 36, 12, 3)]
    [InlineData(9, 40, 16, 2)]   // pixels a multiple of 8: 8 per invocation
    public void BackwardMatchesReference(int clusters, int pixels, int channels, int heads)
    {
        var (q, k, v) = Inputs(Batch, clusters, pixels, channels, 21);
        var dc = Numerics.RoundToFloat(Numerics.Random(Batch * clusters * channels, 24));
        var (dq, dk, dv) = Backward(q, k, v, dc, Batch, clusters, pixels, channels, heads);
        var qt = Device.Upload("q", q, Batch, clusters, channels);
        var kt = Device.Upload("k", k, Batch, pixels, channels);
        var vt = Device.Upload("v", v, Batch, pixels, channels);
        var dct = Device.Upload("dc", dc, Batch, clusters, channels);
        var ct = Device.Poisoned("c", Batch, clusters, channels);
        var at = Device.Poisoned("a", Batch, heads, clusters, pixels);
        var mt = Device.Poisoned("m", Batch, heads, clusters);
        var dqt = Device.Poisoned("dq", Batch, clusters, channels);
        var dkt = Device.Poisoned("dk", Batch, pixels, channels);
        var dvt = Device.Poisoned("dv", Batch, pixels, channels);
        using (var recorder = Device.BeginRecording())
        {
            recorder.RCrossEmStep(qt, kt, vt, heads, ct, at, mt);
            recorder.RCrossEmStepBackward(qt, kt, vt, heads, at, mt, ct, dct, dqt, dkt, dvt);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(dqt), dq, 2e-5, "dQ");
        Numerics.AssertClose(Device.Read(dkt), dk, 2e-5, "dK");
        Numerics.AssertClose(Device.Read(dvt), dv, 2e-5, "dV");
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        var q = Device.Scratch.Allocate("q", DType.F32, 1, 3, 8);
        var k = Device.Scratch.Allocate("k", DType.F32, 1, 10, 8);
        var c = Device.Scratch.Allocate("c", DType.F32, 1, 3, 8);
        var a = Device.Scratch.Allocate("a", DType.F32, 1, 2, 3, 10);
        var m = Device.Scratch.Allocate("m", DType.F32, 1, 2, 3);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.RCrossEmStep(q, k, k, 3, c, a, m));
        Assert.Contains("head count 3", e.Message);
        Assert.Throws<ShapeMismatchException>(() => recorder.RCrossEmStep(q, k, k, 2, c, m, m));
    }
}
