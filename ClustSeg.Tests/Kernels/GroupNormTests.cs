using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class GroupNormTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const double Eps = 1e-5;

    /// <summary>Plain double-precision GroupNorm: statistics per (sample, group) over channels_per_group * hw values.</summary>
    private static double[] Reference(double[] x, double[] w, double[] b, int n, int c, int hw, int groups)
    {
        var y = new double[x.Length];
        var size = c / groups * hw;
        for (var s = 0; s < n * groups; s++)
        {
            double mean = 0, var = 0;
            for (var i = 0; i < size; i++) mean += x[s * size + i];
            mean /= size;
            for (var i = 0; i < size; i++) var += (x[s * size + i] - mean) * (x[s * size + i] - mean);
            var /= size;
            for (var i = 0; i < size; i++)
            {
                var ch = (s % groups) * (c / groups) + i / hw;
                y[s * size + i] = (x[s * size + i] - mean) / Math.Sqrt(var + Eps) * w[ch] + b[ch];
            }
        }
        return y;
    }

    /// <summary>Analytic backward of <see cref="Reference"/>.</summary>
    private static (double[] Dx, double[] Dw, double[] Db) ReferenceBackward(double[] x, double[] dy, double[] w, int n, int c, int hw, int groups)
    {
        var dx = new double[x.Length];
        var dw = new double[c];
        var db = new double[c];
        var size = c / groups * hw;
        for (var s = 0; s < n * groups; s++)
        {
            double mean = 0, var = 0;
            for (var i = 0; i < size; i++) mean += x[s * size + i];
            mean /= size;
            for (var i = 0; i < size; i++) var += (x[s * size + i] - mean) * (x[s * size + i] - mean);
            var rstd = 1 / Math.Sqrt(var / size + Eps);
            double sumG = 0, sumGx = 0;
            var xhat = new double[size];
            var g = new double[size];
            for (var i = 0; i < size; i++)
            {
                var ch = (s % groups) * (c / groups) + i / hw;
                xhat[i] = (x[s * size + i] - mean) * rstd;
                g[i] = dy[s * size + i] * w[ch];
                sumG += g[i];
                sumGx += g[i] * xhat[i];
                dw[ch] += dy[s * size + i] * xhat[i];
                db[ch] += dy[s * size + i];
            }
            for (var i = 0; i < size; i++) dx[s * size + i] = rstd * (g[i] - sumG / size - xhat[i] * sumGx / size);
        }
        return (dx, dw, db);
    }

    [Theory]
    [InlineData(2, 24, 5, 7, 8)]   // ClustSeg's 8 groups, 3 channels each, odd spatial size
    [InlineData(3, 9, 1, 13, 3)]
    [InlineData(1, 8, 17, 19, 8)]  // one channel per group, more pixels than the workgroup
    [InlineData(1, 8, 91, 97, 8)]  // large groups: the widest workgroup
    // A BSDS500 picture at full size: 617,604 elements per group, past lavapipe's 65,535 loop iterations per invocation
    // for 8 lanes reading it twice (CpuLoopBudget); the wrapper widens the workgroup.
    [InlineData(1, 32, 481, 321, 8)]
    [InlineData(2, 24, 6, 10, 8)]  // planes a multiple of 4 pixels: the vec4 path
    [InlineData(1, 8, 64, 96, 8)]
    [InlineData(2, 32, 5, 7, 8)]   // groups of whole vec4s over odd planes: quads that end in the next channel
    [InlineData(1, 16, 1, 3, 4)]   // planes under 4 pixels: a quad could span three channels, so element by element
    public void ForwardMatchesReference(int n, int c, int h, int w, int groups)
    {
        var x = Numerics.RoundToFloat(Offset(Numerics.Random(n * c * h * w, 1, 2.0), 3.0));
        var weight = Numerics.RoundToFloat(Numerics.Random(c, 2));
        var bias = Numerics.RoundToFloat(Numerics.Random(c, 3));
        var tx = Device.Upload("x", x, n, c, h, w);
        var tw = Device.Upload("w", weight, c);
        var tb = Device.Upload("b", bias, c);
        var ty = Device.Poisoned("y", n, c, h, w);
        var tm = Device.Poisoned("mean", n, groups);
        var tr = Device.Poisoned("rstd", n, groups);
        using (var recorder = Device.BeginRecording())
        {
            recorder.GroupNorm(tx, tw, tb, ty, tm, tr, groups);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ty), Reference(x, weight, bias, n, c, h * w, groups));
        var means = Device.Read(tm);
        var size = c / groups * h * w;
        for (var s = 0; s < n * groups; s++)
            Assert.Equal(x.Skip(s * size).Take(size).Average(), means[s], 1e-4);
    }

    [Theory]
    [InlineData(2, 24, 5, 7, 8)]   // element by element
    [InlineData(2, 24, 6, 10, 8)]  // the vec4 path
    [InlineData(2, 32, 5, 7, 8)]   // vec4s over odd planes
    public void ForwardWithReluIsTheReluOfTheForward(int n, int c, int h, int w, int groups)
    {
        var x = Numerics.RoundToFloat(Offset(Numerics.Random(n * c * h * w, 12, 2.0), 3.0));
        var weight = Numerics.RoundToFloat(Numerics.Random(c, 13));
        var bias = Numerics.RoundToFloat(Numerics.Random(c, 14));
        var ty = Device.Poisoned("y", n, c, h, w);
        using (var recorder = Device.BeginRecording())
        {
            recorder.GroupNorm(Device.Upload("x", x, n, c, h, w), Device.Upload("w", weight, c), Device.Upload("b", bias, c), ty,
                Device.Poisoned("mean", n, groups), Device.Poisoned("rstd", n, groups), groups, relu: true);
            recorder.Submit();
        }
        var expected = Reference(x, weight, bias, n, c, h * w, groups).Select(v => Math.Max(v, 0)).ToArray();
        Assert.Contains(expected, v => v == 0);
        Numerics.AssertClose(Device.Read(ty), expected);
    }

    [Fact]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        const int n = 2, c = 6, hw = 5, groups = 3;
        var x = Numerics.Random(n * c * hw, 4);
        var w = Numerics.Random(c, 5);
        var b = Numerics.Random(c, 6);
        var dy = Numerics.Random(n * c * hw, 7);
        var (dx, dw, db) = ReferenceBackward(x, dy, w, n, c, hw, groups);
        Numerics.AssertClose(dx, Numerics.NumericGradient(v => Reference(v, w, b, n, c, hw, groups), x, dy), 1e-6, "dx");
        Numerics.AssertClose(dw, Numerics.NumericGradient(v => Reference(x, v, b, n, c, hw, groups), w, dy), 1e-6, "dweight");
        Numerics.AssertClose(db, Numerics.NumericGradient(v => Reference(x, w, v, n, c, hw, groups), b, dy), 1e-6, "dbias");
    }

    [Theory]
    [InlineData(2, 24, 5, 7, 8)]
    [InlineData(3, 10, 1, 29, 5)]
    [InlineData(2, 8, 91, 97, 4)]  // large groups and planes: the widest workgroups
    [InlineData(2, 8, 321, 481, 2)] // past lavapipe's loop limit at the SIMD width (see the forward's case)
    [InlineData(2, 24, 6, 10, 8)]   // planes a multiple of 4 pixels: the vec4 path
    [InlineData(1, 8, 64, 96, 8)]   // one channel per group, many vec4s per lane
    [InlineData(2, 32, 5, 7, 8)]    // groups of whole vec4s over odd planes: quads that end in the next channel
    [InlineData(1, 16, 1, 3, 4)]    // planes under 4 pixels: element by element
    public void BackwardMatchesReference(int n, int c, int h, int w, int groups)
    {
        var x = Numerics.RoundToFloat(Numerics.Random(n * c * h * w, 8, 1.5));
        var weight = Numerics.RoundToFloat(Numerics.Random(c, 9));
        var bias = Numerics.RoundToFloat(Numerics.Random(c, 10));
        var dy = Numerics.RoundToFloat(Numerics.Random(n * c * h * w, 11));
        var tx = Device.Upload("x", x, n, c, h, w);
        var tw = Device.Upload("w", weight, c);
        var tb = Device.Upload("b", bias, c);
        var tdy = Device.Upload("dy", dy, n, c, h, w);
        var ty = Device.Poisoned("y", n, c, h, w);
        var tm = Device.Poisoned("mean", n, groups);
        var tr = Device.Poisoned("rstd", n, groups);
        var tdx = Device.Poisoned("dx", n, c, h, w);
        var tdw = Device.Poisoned("dw", c);
        var tdb = Device.Poisoned("db", c);
        using (var recorder = Device.BeginRecording())
        {
            recorder.GroupNorm(tx, tw, tb, ty, tm, tr, groups);
            recorder.GroupNormBackward(tx, tdy, tw, tm, tr, tdx, tdw, tdb, groups);
            recorder.Submit();
        }
        var (dx, dw, db) = ReferenceBackward(x, dy, weight, n, c, h * w, groups);
        Numerics.AssertClose(Device.Read(tdx), dx, what: "dx");
        Numerics.AssertClose(Device.Read(tdw), dw, what: "dweight");
        Numerics.AssertClose(Device.Read(tdb), db, what: "dbias");
    }

    [Fact]
    public void GroupsThatDoNotDivideChannelsAreRejected()
    {
        var x = Device.Scratch.Allocate("features", DType.F32, 1, 12, 3, 3);
        var w = Device.Scratch.Allocate("w", DType.F32, 12);
        var stats = Device.Scratch.Allocate("stats", DType.F32, 1, 8);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.GroupNorm(x, w, w, x, stats, stats, groups: 8));
        Assert.Contains("12 channels", e.Message);
        var wrongWeight = Device.Scratch.Allocate("w13", DType.F32, 13);
        var stats4 = Device.Scratch.Allocate("stats4", DType.F32, 1, 4);
        Assert.Throws<ShapeMismatchException>(() => recorder.GroupNorm(x, wrongWeight, w, x, stats4, stats4, groups: 4));
    }

    private static double[] Offset(double[] values, double offset) => Array.ConvertAll(values, v => v + offset);
}
