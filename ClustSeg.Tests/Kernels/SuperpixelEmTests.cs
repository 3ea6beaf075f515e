using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class SuperpixelEmTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private sealed record Grid(int Batch, int Channels, int H, int W, int GridH, int GridW)
    {
        public int Cells => GridH * GridW;
        public int Plane => H * W;

        /// <summary>The cell in neighbour slot j of pixel (y, x), or -1: scanned over all cells, not computed from j.</summary>
        public int[] Neighbours(int y, int x)
        {
            var slots = Enumerable.Repeat(-1, 9).ToArray();
            var (cy, cx) = (y * GridH / H, x * GridW / W);
            for (var g = 0; g < Cells; g++)
            {
                var (dy, dx) = (g / GridW - cy, g % GridW - cx);
                if (Math.Abs(dy) <= 1 && Math.Abs(dx) <= 1) slots[(dy + 1) * 3 + dx + 1] = g;
            }
            return slots;
        }
    }

    private const double Epsilon = 1e-6;

    /// <summary>E-step then M-step in double, scattering each pixel's contributions to its neighbour cells.</summary>
    private static (double[] NewCentres, double[] Assignment) Forward(Grid s, double[] f, double[] c)
    {
        var a = new double[s.Batch * 9 * s.Plane];
        var sums = new double[s.Batch * s.Channels * s.Cells];
        var mass = new double[s.Batch * s.Cells];
        for (var b = 0; b < s.Batch; b++)
        for (var y = 0; y < s.H; y++)
        for (var x = 0; x < s.W; x++)
        {
            var q = y * s.W + x;
            var slots = s.Neighbours(y, x);
            var logits = slots.Select(g => g < 0 ? double.NegativeInfinity
                : -Enumerable.Range(0, s.Channels).Sum(ch => Math.Pow(f[(b * s.Channels + ch) * s.Plane + q] - c[(b * s.Channels + ch) * s.Cells + g], 2))).ToArray();
            var max = logits.Max();
            var total = logits.Sum(l => Math.Exp(l - max));
            for (var j = 0; j < 9; j++)
            {
                var w = Math.Exp(logits[j] - max) / total;
                a[(b * 9 + j) * s.Plane + q] = w;
                if (slots[j] < 0) continue;
                mass[b * s.Cells + slots[j]] += w;
                for (var ch = 0; ch < s.Channels; ch++) sums[(b * s.Channels + ch) * s.Cells + slots[j]] += w * f[(b * s.Channels + ch) * s.Plane + q];
            }
        }
        var centres = new double[sums.Length];
        for (var i = 0; i < centres.Length; i++)
            centres[i] = sums[i] / (mass[i / (s.Channels * s.Cells) * s.Cells + i % s.Cells] + Epsilon);
        return (centres, a);
    }

    /// <summary>Reference backward by the chain rule through the normalised mean and the neighbour softmax.</summary>
    private static (double[] Df, double[] Dc) Backward(Grid s, double[] f, double[] c, double[] dNew, double[]? dAssign)
    {
        var (newCentres, a) = Forward(s, f, c);
        var mass = new double[s.Batch * s.Cells];
        for (var b = 0; b < s.Batch; b++)
        for (var y = 0; y < s.H; y++)
        for (var x = 0; x < s.W; x++)
        {
            var slots = s.Neighbours(y, x);
            for (var j = 0; j < 9; j++) if (slots[j] >= 0) mass[b * s.Cells + slots[j]] += a[(b * 9 + j) * s.Plane + y * s.W + x];
        }
        var df = new double[f.Length];
        var dc = new double[c.Length];
        for (var b = 0; b < s.Batch; b++)
        for (var y = 0; y < s.H; y++)
        for (var x = 0; x < s.W; x++)
        {
            var q = y * s.W + x;
            var slots = s.Neighbours(y, x);
            int F(int ch) => (b * s.Channels + ch) * s.Plane + q;
            int C(int ch, int g) => (b * s.Channels + ch) * s.Cells + g;
            var da = new double[9];
            for (var j = 0; j < 9; j++)
            {
                if (slots[j] < 0) continue;
                var d = mass[b * s.Cells + slots[j]] + Epsilon;
                for (var ch = 0; ch < s.Channels; ch++)
                {
                    // c' = U / d: dU = dc' / d, dm = -dc' U / d^2 = -dc' c' / d.
                    da[j] += dNew[C(ch, slots[j])] * (f[F(ch)] - newCentres[C(ch, slots[j])]) / d;
                    df[F(ch)] += a[(b * 9 + j) * s.Plane + q] * dNew[C(ch, slots[j])] / d;
                }
                if (dAssign is not null) da[j] += dAssign[(b * 9 + j) * s.Plane + q];
            }
            var mean = Enumerable.Range(0, 9).Sum(j => a[(b * 9 + j) * s.Plane + q] * da[j]);
            for (var j = 0; j < 9; j++)
            {
                if (slots[j] < 0) continue;
                var dLogit = a[(b * 9 + j) * s.Plane + q] * (da[j] - mean);
                for (var ch = 0; ch < s.Channels; ch++)
                {
                    var diff = f[F(ch)] - c[C(ch, slots[j])];
                    df[F(ch)] += -2 * dLogit * diff;
                    dc[C(ch, slots[j])] += 2 * dLogit * diff;
                }
            }
        }
        return (df, dc);
    }

    private static (double[] F, double[] C) Inputs(Grid s, int seed) =>
        (Numerics.RoundToFloat(Numerics.Random(s.Batch * s.Channels * s.Plane, seed)),
         Numerics.RoundToFloat(Numerics.Random(s.Batch * s.Channels * s.Cells, seed + 1)));

    [Fact]
    public void ForwardMatchesReference()
    {
        var s = new Grid(2, 3, 11, 13, 3, 4);
        var (f, c) = Inputs(s, 1);
        var (expectedCentres, expectedA) = Forward(s, f, c);
        var a = Device.Poisoned("a", s.Batch, 9, s.H, s.W);
        var newCentres = Device.Poisoned("c'", s.Batch, s.Channels, s.Cells);
        var mass = Device.Poisoned("m", s.Batch, s.Cells);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SuperpixelEmStep(Device.Upload("f", f, s.Batch, s.Channels, s.H, s.W), Device.Upload("c", c, s.Batch, s.Channels, s.Cells),
                s.GridH, s.GridW, a, newCentres, mass);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(a), expectedA, what: "assignment");
        Numerics.AssertClose(Device.Read(newCentres), expectedCentres, what: "new centres");
        // Every pixel distributes one unit of mass, so the masses add up to the pixel count.
        Assert.Equal(s.Batch * s.Plane, Device.Read(mass).Sum(), 2);
    }

    [Fact]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        var s = new Grid(1, 2, 5, 6, 2, 3);
        var (f, c) = Inputs(s, 3);
        var dNew = Numerics.Random(c.Length, 5);
        var dA = Numerics.Random(s.Batch * 9 * s.Plane, 6);
        double[] Both(double[] ff, double[] cc) { var (n, a) = Forward(s, ff, cc); return [.. n, .. a]; }
        double[] upstream = [.. dNew, .. dA];
        var (df, dc) = Backward(s, f, c, dNew, dA);
        Numerics.AssertClose(df, Numerics.NumericGradient(x => Both(x, c), f, upstream), 1e-6, "df");
        Numerics.AssertClose(dc, Numerics.NumericGradient(x => Both(f, x), c, upstream), 1e-6, "dc");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BackwardMatchesReference(bool withAssignmentGrad)
    {
        var s = new Grid(2, 3, 9, 14, 4, 3);
        var (f, c) = Inputs(s, 7);
        var dNew = Numerics.RoundToFloat(Numerics.Random(c.Length, 8));
        var dA = withAssignmentGrad ? Numerics.RoundToFloat(Numerics.Random(s.Batch * 9 * s.Plane, 9)) : null;
        var (df, dc) = Backward(s, f, c, dNew, dA);
        var ft = Device.Upload("f", f, s.Batch, s.Channels, s.H, s.W);
        var ct = Device.Upload("c", c, s.Batch, s.Channels, s.Cells);
        var a = Device.Poisoned("a", s.Batch, 9, s.H, s.W);
        var newCentres = Device.Poisoned("c'", s.Batch, s.Channels, s.Cells);
        var mass = Device.Poisoned("m", s.Batch, s.Cells);
        var dft = Device.Poisoned("df", s.Batch, s.Channels, s.H, s.W);
        var dct = Device.Poisoned("dc", s.Batch, s.Channels, s.Cells);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SuperpixelEmStep(ft, ct, s.GridH, s.GridW, a, newCentres, mass);
            recorder.SuperpixelEmStepBackward(ft, ct, s.GridH, s.GridW, a, newCentres, mass, Device.Upload("dc'", dNew, s.Batch, s.Channels, s.Cells),
                dA is null ? null : Device.Upload("da", dA, s.Batch, 9, s.H, s.W), dft, dct);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(dft), df, 2e-5, "df");
        Numerics.AssertClose(Device.Read(dct), dc, 2e-5, "dc");
    }

    [Fact]
    public void GridLargerThanTheImageIsRejected()
    {
        var f = Device.Scratch.Allocate("f", DType.F32, 1, 2, 4, 4);
        var c = Device.Scratch.Allocate("c", DType.F32, 1, 2, 25);
        var a = Device.Scratch.Allocate("a", DType.F32, 1, 9, 4, 4);
        var m = Device.Scratch.Allocate("m", DType.F32, 1, 25);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.SuperpixelEmStep(f, c, 5, 5, a, c, m));
        Assert.Contains("5x5", e.Message);
    }
}
