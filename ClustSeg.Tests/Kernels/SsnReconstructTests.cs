using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class SsnReconstructTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Batch = 2, H = 9, W = 11, GridH = 3, GridW = 4, Cells = GridH * GridW, Plane = H * W;
    private const double Epsilon = 1e-6;

    /// <summary>Cell of neighbour slot j of pixel (y, x), or -1 beyond the border.</summary>
    private static int Cell(int y, int x, int j)
    {
        var (gy, gx) = (y * GridH / H + j / 3 - 1, x * GridW / W + j % 3 - 1);
        return gy < 0 || gx < 0 || gy >= GridH || gx >= GridW ? -1 : gy * GridW + gx;
    }

    /// <summary>Pixels to cells (normalised) and back, in double, scattering per pixel.</summary>
    private static double[] Reconstruct(double[] a, double[] t, int channels)
    {
        var sums = new double[Batch * channels * Cells];
        var mass = new double[Batch * Cells];
        for (var b = 0; b < Batch; b++)
        for (var q = 0; q < Plane; q++)
        for (var j = 0; j < 9; j++)
        {
            var g = Cell(q / W, q % W, j);
            if (g < 0) continue;
            var w = a[(b * 9 + j) * Plane + q];
            mass[b * Cells + g] += w;
            for (var c = 0; c < channels; c++) sums[(b * channels + c) * Cells + g] += w * t[(b * channels + c) * Plane + q];
        }
        var recon = new double[Batch * channels * Plane];
        for (var b = 0; b < Batch; b++)
        for (var c = 0; c < channels; c++)
        for (var q = 0; q < Plane; q++)
        for (var j = 0; j < 9; j++)
        {
            var g = Cell(q / W, q % W, j);
            if (g >= 0) recon[(b * channels + c) * Plane + q] += a[(b * 9 + j) * Plane + q] * sums[(b * channels + c) * Cells + g] / (mass[b * Cells + g] + Epsilon);
        }
        return recon;
    }

    /// <summary>Gradient to the assignment by the product and quotient rules, per (pixel, slot).</summary>
    private static double[] Backward(double[] a, double[] t, int channels, double[] dRecon)
    {
        var sums = new double[Batch * channels * Cells];
        var mass = new double[Batch * Cells];
        var dCell = new double[Batch * channels * Cells];
        for (var b = 0; b < Batch; b++)
        for (var q = 0; q < Plane; q++)
        for (var j = 0; j < 9; j++)
        {
            var g = Cell(q / W, q % W, j);
            if (g < 0) continue;
            var w = a[(b * 9 + j) * Plane + q];
            mass[b * Cells + g] += w;
            for (var c = 0; c < channels; c++)
            {
                sums[(b * channels + c) * Cells + g] += w * t[(b * channels + c) * Plane + q];
                dCell[(b * channels + c) * Cells + g] += w * dRecon[(b * channels + c) * Plane + q];
            }
        }
        var da = new double[a.Length];
        for (var b = 0; b < Batch; b++)
        for (var q = 0; q < Plane; q++)
        for (var j = 0; j < 9; j++)
        {
            var g = Cell(q / W, q % W, j);
            if (g < 0) continue;
            var d = mass[b * Cells + g] + Epsilon;
            for (var c = 0; c < channels; c++)
            {
                var cell = (b * channels + c) * Cells + g;
                var value = sums[cell] / d;
                da[(b * 9 + j) * Plane + q] += dRecon[(b * channels + c) * Plane + q] * value  // recon = A V
                                              + dCell[cell] * t[(b * channels + c) * Plane + q] / d // V's numerator
                                              - dCell[cell] * sums[cell] / (d * d);                 // V's mass
            }
        }
        return da;
    }

    /// <summary>A softmax-like assignment: positive on existing neighbours, zero beyond the border, rows summing to 1.</summary>
    private static double[] Assignment(int seed)
    {
        var rng = new Random(seed);
        var a = new double[Batch * 9 * Plane];
        for (var b = 0; b < Batch; b++)
        for (var q = 0; q < Plane; q++)
        {
            var w = Enumerable.Range(0, 9).Select(j => Cell(q / W, q % W, j) < 0 ? 0 : rng.NextDouble() + 0.05).ToArray();
            var total = w.Sum();
            for (var j = 0; j < 9; j++) a[(b * 9 + j) * Plane + q] = (float)(w[j] / total);
        }
        return a;
    }

    private static double[] OneHot(int[] labels, int classes)
    {
        var t = new double[Batch * classes * Plane];
        for (var b = 0; b < Batch; b++)
        for (var q = 0; q < Plane; q++)
        {
            var l = labels[b * Plane + q];
            if (l >= 0 && l < classes) t[(b * classes + l) * Plane + q] = 1;
        }
        return t;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ForwardAndBackwardMatchReference(bool labels)
    {
        var channels = labels ? 5 : 2;
        var a = Assignment(1);
        var rng = new Random(2);
        var labelValues = Enumerable.Range(0, Batch * Plane).Select(_ => rng.Next(7) == 0 ? 255 : rng.Next(channels)).ToArray();
        var t = labels ? OneHot(labelValues, channels) : Numerics.RoundToFloat(Numerics.Random(Batch * channels * Plane, 3, 4));
        var dRecon = Numerics.RoundToFloat(Numerics.Random(Batch * channels * Plane, 4));
        var previous = Numerics.RoundToFloat(Numerics.Random(a.Length, 5));
        var at = labels ? Device.Upload("a", a, Batch, 9, H, W) : Device.Upload("a", a, Batch, 9, Plane); // both layouts accepted
        var targets = labels ? Device.UploadInt("labels", labelValues, Batch, H, W) : Device.Upload("t", t, Batch, channels, H, W);
        var cellValues = Device.Poisoned("v", Batch, channels, Cells);
        var mass = Device.Poisoned("m", Batch, Cells);
        var recon = Device.Poisoned("recon", Batch, channels, H, W);
        var da = Device.Upload("da", previous, at.Shape.ToArray());
        using (var recorder = Device.BeginRecording())
        {
            recorder.SsnReconstruct(at, targets, GridH, GridW, cellValues, mass, recon);
            recorder.SsnReconstructBackward(at, targets, GridH, GridW, cellValues, mass, Device.Upload("dr", dRecon, Batch, channels, H, W), da, accumulate: true);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(recon), Reconstruct(a, t, channels), what: "reconstruction");
        var expected = Backward(a, t, channels, dRecon).Select((g, i) => g + previous[i]).ToArray();
        Numerics.AssertClose(Device.Read(da), expected, what: "assignment gradient (accumulated)");
    }

    [Fact]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        var a = Assignment(6);
        var t = Numerics.Random(Batch * 2 * Plane, 7);
        var dRecon = Numerics.Random(Batch * 2 * Plane, 8);
        Numerics.AssertClose(Backward(a, t, 2, dRecon), Numerics.NumericGradient(x => Reconstruct(x, t, 2), a, dRecon), 1e-6, "dA");
    }

    [Fact]
    public void LabelsConstantPerCellAreReconstructedExactly()
    {
        // With every pixel of a 3x3 block of cells labelled the same, the round trip returns the one-hot label
        // (up to the 1e-6 mass epsilon): the reconstruction loss is then ~0, as SSN intends.
        var a = Assignment(9);
        var labels = new int[Batch * Plane]; // all class 0
        var targets = Device.UploadInt("labels", labels, Batch, H, W);
        var recon = Device.Poisoned("recon", Batch, 2, H, W);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SsnReconstruct(Device.Upload("a", a, Batch, 9, H, W), targets, GridH, GridW,
                Device.Poisoned("v", Batch, 2, Cells), Device.Poisoned("m", Batch, Cells), recon);
            recorder.Submit();
        }
        var r = Device.Read(recon);
        for (var b = 0; b < Batch; b++)
        for (var q = 0; q < Plane; q++)
        {
            Assert.Equal(1f, r[(b * 2) * Plane + q], 4);
            Assert.Equal(0f, r[(b * 2 + 1) * Plane + q]);
        }
    }

    [Fact]
    public void LabelShapeMustMatch()
    {
        var a = Device.Scratch.Allocate("a", DType.F32, 1, 9, 4, 4);
        var labels = Device.Scratch.Allocate("l", DType.I32, 1, 4, 5);
        var v = Device.Scratch.Allocate("v", DType.F32, 1, 3, 4);
        var m = Device.Scratch.Allocate("m", DType.F32, 1, 4);
        var r = Device.Scratch.Allocate("r", DType.F32, 1, 3, 4, 4);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.SsnReconstruct(a, labels, 2, 2, v, m, r));
        Assert.Contains("targets", e.Message);
    }
}
