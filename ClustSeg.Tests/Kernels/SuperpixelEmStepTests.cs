using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Kernels.Reference;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

/// <summary>
/// The fused inference EM step (superpixel_em_step.comp, forward only) against the double-precision E-step and
/// M-step of <see cref="SuperpixelReference"/>: its per-lane partial sums, and its hard labels.
/// </summary>
public sealed class SuperpixelEmStepTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Theory]
    [InlineData(2, 5, 19, 14, 4, 3)]
    [InlineData(1, 3, 23, 29, 5, 7)]
    [InlineData(1, 7, 11, 13, 1, 1)]
    public void PartialSumsAddUpToTheReferenceSumsPerHomeCell(int b, int c, int h, int w, int gh, int gw)
    {
        var grid = new SuperpixelGrid(gh, gw);
        var reference = new SuperpixelReference(b, c, h, w, gh, gw);
        var f = Numerics.RoundToFloat(Numerics.Random(b * c * h * w, 1));
        var cen = Numerics.RoundToFloat(Numerics.Random(b * c * grid.Cells, 2));
        var shape = SuperpixelEmStepOp.PartialsShape(Device, b, c, grid);
        var partials = Device.Poisoned("partials", shape);
        using var recorder = Device.BeginRecording();
        recorder.SuperpixelEmStep(Device.Upload("f", f, b, c, h, w), Device.Upload("c", cen, b, c, grid.Cells), grid, partials);
        recorder.Submit();

        // Expected: per image, home cell and slot, the mass and assignment-weighted features of the home cell's pixels.
        var a = reference.Assign(f, cen);
        var n = h * w;
        var stride = c + 1;
        var expected = new double[b * grid.Cells * 9 * stride];
        for (var bi = 0; bi < b; bi++)
            for (var p = 0; p < n; p++)
            {
                var home = reference.SlotCell(p, 4);
                for (var j = 0; j < 9; j++)
                {
                    var weight = a[(bi * 9 + j) * n + p];
                    var at = ((bi * grid.Cells + home) * 9 + j) * stride;
                    expected[at] += weight;
                    for (var ci = 0; ci < c; ci++) expected[at + 1 + ci] += weight * f[(bi * c + ci) * n + p];
                }
            }
        var lanes = shape[2];
        var actual = Device.Read(partials);
        var summed = new double[expected.Length];
        for (var cell = 0; cell < b * grid.Cells; cell++)
            for (var lane = 0; lane < lanes; lane++)
                for (var i = 0; i < 9 * stride; i++)
                    summed[cell * 9 * stride + i] += actual[(cell * lanes + lane) * 9 * stride + i];
        Numerics.AssertClose(summed, expected, 1e-5, "partial sums");
    }

    [Fact]
    public void LabelsAreTheCellOfTheLargestAssignment()
    {
        const int b = 2, c = 4, h = 17, w = 22;
        var grid = new SuperpixelGrid(3, 5);
        var reference = new SuperpixelReference(b, c, h, w, grid.Rows, grid.Cols);
        var f = Numerics.RoundToFloat(Numerics.Random(b * c * h * w, 3));
        var cen = Numerics.RoundToFloat(Numerics.Random(b * c * grid.Cells, 4));
        var labels = Device.Scratch.Allocate("labels", DType.I32, b, h * w);
        using var recorder = Device.BeginRecording();
        recorder.Fill(labels, -7);
        recorder.SuperpixelEmLabels(Device.Upload("f", f, b, c, h, w), Device.Upload("c", cen, b, c, grid.Cells), grid, labels);
        recorder.Submit();

        var a = reference.Assign(f, cen);
        var n = h * w;
        var expected = new int[b * n];
        for (var bi = 0; bi < b; bi++)
            for (var p = 0; p < n; p++)
            {
                var best = -1.0;
                for (var j = 0; j < 9; j++)
                {
                    var k = reference.SlotCell(p, j);
                    if (k >= 0 && a[(bi * 9 + j) * n + p] > best) (best, expected[bi * n + p]) = (a[(bi * 9 + j) * n + p], k);
                }
            }
        Assert.Equal(expected, Device.Download<int>(labels));
    }

    [Fact]
    public void WrongPartialsShapeIsRefusedWithTheExpectedShape()
    {
        var grid = new SuperpixelGrid(2, 2);
        var features = Device.Scratch.Allocate("f", DType.F32, 1, 5, 8, 8);
        var centres = Device.Scratch.Allocate("c", DType.F32, 1, 5, grid.Cells);
        var partials = Device.Scratch.Allocate("p", DType.F32, 1, grid.Cells, 9, 6);
        using var recorder = Device.BeginRecording();
        var error = Assert.Throws<ShapeMismatchException>(() => recorder.SuperpixelEmStep(features, centres, grid, partials));
        Assert.Contains("partials", error.Message);
    }
}
