using ClustSeg.Runtime.Ops;
using ClustSeg.Tests.Kernels.Reference;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class SuperpixelCentresTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private static double[] SoftAssignment(SuperpixelReference reference, int b, int c, int seed)
    {
        // A realistic assignment: the E-step of random features and centres.
        var f = Numerics.Random(b * c * reference.N, seed);
        var cen = Numerics.Random(b * c * reference.K, seed + 1);
        return Numerics.RoundToFloat(reference.Assign(f, cen));
    }

    [Fact]
    public void ForwardMatchesReference()
    {
        const int b = 2, c = 5, h = 19, w = 14;
        var grid = new SuperpixelGrid(4, 3);
        var reference = new SuperpixelReference(b, c, h, w, grid.Rows, grid.Cols);
        var f = Numerics.RoundToFloat(Numerics.Random(b * c * h * w, 1));
        var a = SoftAssignment(reference, b, c, 2);
        var centres = Device.Poisoned("centres", b, c, grid.Cells);
        var mass = Device.Poisoned("mass", b, grid.Cells);
        using var recorder = Device.BeginRecording();
        recorder.SuperpixelCentres(Device.Upload("f", f, b, c, h, w), Device.Upload("a", a, b, 9, h * w), grid, centres, mass);
        recorder.Submit();
        var (expectedCentres, expectedMass) = reference.Centres(f, a);
        Numerics.AssertClose(Device.Read(centres), expectedCentres, 1e-5, "centres");
        Numerics.AssertClose(Device.Read(mass), expectedMass, 1e-5, "mass");
    }

    [Fact]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        const int b = 1, c = 2, h = 8, w = 7;
        var reference = new SuperpixelReference(b, c, h, w, 3, 2);
        var f = Numerics.Random(b * c * h * w, 3);
        var a = SoftAssignment(reference, b, c, 4);
        var dcen = Numerics.Random(b * c * 6, 5);
        var (da, df) = reference.CentresBackward(f, a, dcen);
        Numerics.AssertClose(df, Numerics.NumericGradient(x => reference.Centres(x, a).Centres, f, dcen), 1e-6, "dF");
        Numerics.AssertClose(da, Numerics.NumericGradient(x => reference.Centres(f, x).Centres, a, dcen), 1e-6, "dA");
    }

    [Fact]
    public void BackwardMatchesReference()
    {
        const int b = 2, c = 3, h = 12, w = 13;
        var grid = new SuperpixelGrid(3, 4);
        var reference = new SuperpixelReference(b, c, h, w, grid.Rows, grid.Cols);
        var f = Numerics.RoundToFloat(Numerics.Random(b * c * h * w, 6));
        var a = SoftAssignment(reference, b, c, 7);
        var dcen = Numerics.RoundToFloat(Numerics.Random(b * c * grid.Cells, 8));
        var (cen, mass) = reference.Centres(f, a);
        var (da, df) = reference.CentresBackward(f, a, dcen);
        var gradA = Device.Poisoned("dA", b, 9, h * w);
        var gradF = Device.Poisoned("dF", b, c, h, w);
        using var recorder = Device.BeginRecording();
        recorder.SuperpixelCentresBackward(Device.Upload("f", f, b, c, h, w), Device.Upload("a", a, b, 9, h * w), grid,
            Device.Upload("c", cen, b, c, grid.Cells), Device.Upload("m", mass, b, grid.Cells), Device.Upload("dc", dcen, b, c, grid.Cells),
            gradA, gradF, accumulate: false);
        recorder.Submit();
        Numerics.AssertClose(Device.Read(gradA), da, 1e-5, "dA");
        Numerics.AssertClose(Device.Read(gradF), df, 1e-5, "dF");
    }
}
