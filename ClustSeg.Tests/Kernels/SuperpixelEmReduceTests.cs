using ClustSeg.Runtime.Ops;
using ClustSeg.Tests.Kernels.Reference;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

/// <summary>
/// superpixel_em_reduce.comp (forward only): on hand-made partial sums against a plain CPU sum, and chained after the
/// fused step against the reference M-step, so the fused EM iteration equals the training kernels' one.
/// </summary>
public sealed class SuperpixelEmReduceTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void SumsThePartialsOfTheNeighbouringHomeCells()
    {
        const int b = 2, c = 3, lanes = 5;
        var grid = new SuperpixelGrid(3, 4);
        var k = grid.Cells;
        var stride = c + 1;
        var partials = Numerics.RoundToFloat(Numerics.Random(b * k * lanes * 9 * stride, 1)).Select(Math.Abs).ToArray();
        var expectedCentres = new double[b * c * k];
        var expectedMass = new double[b * k];
        for (var bi = 0; bi < b; bi++)
            for (var cell = 0; cell < k; cell++)
            {
                int r = cell / grid.Cols, q = cell % grid.Cols;
                var sums = new double[stride];
                for (var hr = Math.Max(r - 1, 0); hr <= Math.Min(r + 1, grid.Rows - 1); hr++)
                    for (var hc = Math.Max(q - 1, 0); hc <= Math.Min(q + 1, grid.Cols - 1); hc++)
                    {
                        var slot = (r - hr + 1) * 3 + (q - hc + 1);
                        for (var lane = 0; lane < lanes; lane++)
                            for (var i = 0; i < stride; i++)
                                sums[i] += partials[(((bi * k + hr * grid.Cols + hc) * lanes + lane) * 9 + slot) * stride + i];
                    }
                expectedMass[bi * k + cell] = sums[0];
                for (var ci = 0; ci < c; ci++) expectedCentres[(bi * c + ci) * k + cell] = sums[1 + ci] / (sums[0] + SuperpixelReference.Eps);
            }
        var centres = Device.Poisoned("centres", b, c, k);
        var mass = Device.Poisoned("mass", b, k);
        using var recorder = Device.BeginRecording();
        recorder.SuperpixelEmReduce(Device.Upload("partials", partials, b, k, lanes, 9, stride), grid, centres, mass);
        recorder.Submit();
        Numerics.AssertClose(Device.Read(centres), expectedCentres, 1e-5, "centres");
        Numerics.AssertClose(Device.Read(mass), expectedMass, 1e-5, "mass");
    }

    [Theory]
    [InlineData(2, 5, 19, 14, 4, 3)]
    [InlineData(1, 25, 31, 26, 6, 5)]
    public void FusedIterationEqualsTheReferenceEStepThenMStep(int b, int c, int h, int w, int gh, int gw)
    {
        var grid = new SuperpixelGrid(gh, gw);
        var reference = new SuperpixelReference(b, c, h, w, gh, gw);
        var f = Numerics.RoundToFloat(Numerics.Random(b * c * h * w, 5));
        var cen = Numerics.RoundToFloat(Numerics.Random(b * c * grid.Cells, 6));
        var centres = Device.Upload("c", cen, b, c, grid.Cells);
        var mass = Device.Poisoned("mass", b, grid.Cells);
        var partials = Device.Poisoned("partials", SuperpixelEmStepOp.PartialsShape(Device, b, c, grid));
        using var recorder = Device.BeginRecording();
        recorder.SuperpixelEmStep(Device.Upload("f", f, b, c, h, w), centres, grid, partials);
        recorder.SuperpixelEmReduce(partials, grid, centres, mass);
        recorder.Submit();
        var (expectedCentres, expectedMass) = reference.Centres(f, reference.Assign(f, cen));
        Numerics.AssertClose(Device.Read(centres), expectedCentres, 1e-5, "centres");
        Numerics.AssertClose(Device.Read(mass), expectedMass, 1e-5, "mass");
    }
}
