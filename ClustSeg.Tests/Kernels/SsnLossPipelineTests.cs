using ClustSeg.Runtime.Ops;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

/// <summary>
/// The SSN training loss assembled from its kernels (E-step, reconstructions of labels and of (y, x), label loss,
/// compactness), with the backward chained through the shared assignment gradient, against finite differences of a
/// plain double-precision transcription of the whole loss.
/// </summary>
public sealed class SsnLossPipelineTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Channels = 3, H = 6, W = 7, GridH = 2, GridW = 3, Classes = 3, Cells = GridH * GridW, Plane = H * W;
    private const double LabelWeight = 1.0, CompactWeight = 0.3;

    private static int Cell(int q, int j)
    {
        var (gy, gx) = (q / W * GridH / H + j / 3 - 1, q % W * GridW / W + j % 3 - 1);
        return gy < 0 || gx < 0 || gy >= GridH || gx >= GridW ? -1 : gy * GridW + gx;
    }

    /// <summary>Soft assignment of every pixel to its existing neighbour cells.</summary>
    private static double[,] Assign(double[] f, double[] c)
    {
        var a = new double[Plane, 9];
        for (var q = 0; q < Plane; q++)
        {
            var logits = Enumerable.Range(0, 9).Select(j => Cell(q, j) is var g && g < 0 ? double.NegativeInfinity
                : -Enumerable.Range(0, Channels).Sum(ch => Math.Pow(f[ch * Plane + q] - c[ch * Cells + g], 2))).ToArray();
            var max = logits.Max();
            var total = logits.Sum(l => Math.Exp(l - max));
            for (var j = 0; j < 9; j++) a[q, j] = Math.Exp(logits[j] - max) / total;
        }
        return a;
    }

    private static double[] RoundTrip(double[,] a, double[] targets, int channels)
    {
        var sums = new double[channels * Cells];
        var mass = new double[Cells];
        for (var q = 0; q < Plane; q++)
        for (var j = 0; j < 9; j++)
        {
            if (Cell(q, j) is var g && g < 0) continue;
            mass[g] += a[q, j];
            for (var t = 0; t < channels; t++) sums[t * Cells + g] += a[q, j] * targets[t * Plane + q];
        }
        var recon = new double[channels * Plane];
        for (var t = 0; t < channels; t++)
        for (var q = 0; q < Plane; q++)
        for (var j = 0; j < 9; j++)
            if (Cell(q, j) is var g && g >= 0) recon[t * Plane + q] += a[q, j] * sums[t * Cells + g] / (mass[g] + 1e-6);
        return recon;
    }

    private static double TotalLoss(double[] f, double[] c, int[] labels, double[] coords)
    {
        var a = Assign(f, c);
        var oneHot = new double[Classes * Plane];
        for (var q = 0; q < Plane; q++) if (labels[q] < Classes) oneHot[labels[q] * Plane + q] = 1;
        var reconLabels = RoundTrip(a, oneHot, Classes);
        var labelled = Enumerable.Range(0, Plane).Where(q => labels[q] < Classes).ToArray();
        var labelLoss = labelled.Average(q => -Math.Log(reconLabels[labels[q] * Plane + q] + 1e-8));
        var reconXy = RoundTrip(a, coords, 2);
        var compact = reconXy.Select((r, i) => (r - coords[i]) * (r - coords[i])).Average();
        return LabelWeight * labelLoss + CompactWeight * compact;
    }

    [Fact]
    public void ChainedBackwardMatchesFiniteDifferencesOfTheWholeLoss()
    {
        var f = Numerics.RoundToFloat(Numerics.Random(Channels * Plane, 1, 1.2));
        var c = Numerics.RoundToFloat(Numerics.Random(Channels * Cells, 2, 1.2));
        var rng = new Random(3);
        var labels = Enumerable.Range(0, Plane).Select(q => q % 11 == 0 ? 255 : (q % W < 3 ? 0 : q / W < 3 ? 1 : 2) ^ (rng.Next(5) == 0 ? 1 : 0)).ToArray();
        var scale = 0.25; // s_p: positions scaled as the pixel features scale them
        var coords = new double[2 * Plane];
        for (var q = 0; q < Plane; q++) (coords[q], coords[Plane + q]) = (q / W * scale, q % W * scale);

        var ft = Device.Upload("f", f, 1, Channels, H, W);
        var ct = Device.Upload("c", c, 1, Channels, Cells);
        var labelsT = Device.UploadInt("labels", labels, 1, H, W);
        var coordsT = Device.Upload("xy", coords, 1, 2, H, W);
        var grid = new SuperpixelGrid(GridH, GridW);
        var a = Device.Poisoned("a", 1, 9, Plane);
        var labelCells = Device.Poisoned("label.cells", 1, Classes, Cells);
        var labelMass = Device.Poisoned("label.mass", 1, Cells);
        var reconLabels = Device.Poisoned("recon.labels", 1, Classes, H, W);
        var xyCells = Device.Poisoned("xy.cells", 1, 2, Cells);
        var xyMass = Device.Poisoned("xy.mass", 1, Cells);
        var reconXy = Device.Poisoned("recon.xy", 1, 2, H, W);
        var labelLoss = Device.Poisoned("label.loss", 1);
        var labelled = Device.Poisoned("labelled", 1);
        var compactLoss = Device.Poisoned("compact.loss", 1);
        var dReconLabels = Device.Poisoned("d.recon.labels", 1, Classes, H, W);
        var dReconXy = Device.Poisoned("d.recon.xy", 1, 2, H, W);
        var dA = Device.Poisoned("d.a", 1, 9, Plane);
        var dz = Device.Poisoned("d.z", 1, 9, Plane);
        var df = Device.Poisoned("d.f", 1, Channels, H, W);
        var dc = Device.Poisoned("d.c", 1, Channels, Cells);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SuperpixelAssign(ft, ct, grid, a);
            recorder.SsnReconstruct(a, labelsT, GridH, GridW, labelCells, labelMass, reconLabels);
            recorder.SsnReconstruct(a, coordsT, GridH, GridW, xyCells, xyMass, reconXy);
            recorder.SsnLabelLoss(reconLabels, labelsT, labelLoss, labelled);
            recorder.MseLoss(reconXy, coordsT, compactLoss);
            recorder.SsnLabelLossBackward(reconLabels, labelsT, labelled, Device.Upload("w.label", [LabelWeight], 1), dReconLabels);
            recorder.MseLossBackward(reconXy, coordsT, Device.Upload("w.compact", [CompactWeight], 1), dReconXy);
            recorder.SsnReconstructBackward(a, labelsT, GridH, GridW, labelCells, labelMass, dReconLabels, dA, accumulate: false);
            recorder.SsnReconstructBackward(a, coordsT, GridH, GridW, xyCells, xyMass, dReconXy, dA, accumulate: true);
            recorder.SuperpixelAssignBackward(ft, ct, grid, a, dA, dz, df, dc, accumulate: false);
            recorder.Submit();
        }
        var total = LabelWeight * Device.Read(labelLoss)[0] + CompactWeight * Device.Read(compactLoss)[0];
        Numerics.AssertClose([(float)total], [TotalLoss(f, c, labels, coords)], what: "total loss");
        Numerics.AssertClose(Device.Read(df), Numerics.NumericGradient(x => [TotalLoss(x, c, labels, coords)], f, [1.0]), 1e-4, "dF");
        Numerics.AssertClose(Device.Read(dc), Numerics.NumericGradient(x => [TotalLoss(f, x, labels, coords)], c, [1.0]), 1e-4, "dcentres");
    }
}
