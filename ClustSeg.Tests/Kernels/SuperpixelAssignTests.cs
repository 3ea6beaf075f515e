using ClustSeg.Runtime.Ops;
using ClustSeg.Tests.Kernels.Reference;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class SuperpixelAssignTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void ForwardMatchesReference()
    {
        const int b = 2, c = 5, h = 13, w = 17;
        var grid = new SuperpixelGrid(3, 4);
        var reference = new SuperpixelReference(b, c, h, w, grid.Rows, grid.Cols);
        var f = Numerics.RoundToFloat(Numerics.Random(b * c * h * w, 1));
        var cen = Numerics.RoundToFloat(Numerics.Random(b * c * grid.Cells, 2));
        var assign = Device.Poisoned("assign", b, 9, h * w);
        using var recorder = Device.BeginRecording();
        recorder.SuperpixelAssign(Device.Upload("f", f, b, c, h, w), Device.Upload("c", cen, b, c, grid.Cells), grid, assign);
        recorder.Submit();
        Numerics.AssertClose(Device.Read(assign), reference.Assign(f, cen), 1e-5, "assign");
    }

    [Fact]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        const int b = 1, c = 3, h = 7, w = 9;
        var reference = new SuperpixelReference(b, c, h, w, 2, 3);
        var f = Numerics.Random(b * c * h * w, 3);
        var cen = Numerics.Random(b * c * 6, 4);
        var da = Numerics.Random(b * 9 * h * w, 5);
        var (df, dc) = reference.AssignBackward(f, cen, reference.Assign(f, cen), da);
        Numerics.AssertClose(df, Numerics.NumericGradient(x => reference.Assign(x, cen), f, da), 1e-6, "dF");
        Numerics.AssertClose(dc, Numerics.NumericGradient(x => reference.Assign(f, x), cen, da), 1e-6, "dC");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BackwardMatchesReference(bool accumulate)
    {
        const int b = 2, c = 4, h = 11, w = 10;
        var grid = new SuperpixelGrid(3, 3);
        var reference = new SuperpixelReference(b, c, h, w, grid.Rows, grid.Cols);
        var f = Numerics.RoundToFloat(Numerics.Random(b * c * h * w, 6));
        var cen = Numerics.RoundToFloat(Numerics.Random(b * c * grid.Cells, 7));
        var da = Numerics.RoundToFloat(Numerics.Random(b * 9 * h * w, 8));
        var a = Numerics.RoundToFloat(reference.Assign(f, cen));
        var (df, dc) = reference.AssignBackward(f, cen, a, da);
        var initialF = Numerics.RoundToFloat(Numerics.Random(df.Length, 9));
        var initialC = Numerics.RoundToFloat(Numerics.Random(dc.Length, 10));
        var gradF = accumulate ? Device.Upload("dF", initialF, b, c, h, w) : Device.Poisoned("dF", b, c, h, w);
        var gradC = accumulate ? Device.Upload("dC", initialC, b, c, grid.Cells) : Device.Poisoned("dC", b, c, grid.Cells);
        using var recorder = Device.BeginRecording();
        recorder.SuperpixelAssignBackward(Device.Upload("f", f, b, c, h, w), Device.Upload("c", cen, b, c, grid.Cells), grid,
            Device.Upload("a", a, b, 9, h * w), Device.Upload("da", da, b, 9, h * w), Device.Poisoned("dz", b, 9, h * w), gradF, gradC, accumulate);
        recorder.Submit();
        if (accumulate)
        {
            df = df.Select((v, i) => v + initialF[i]).ToArray();
            dc = dc.Select((v, i) => v + initialC[i]).ToArray();
        }
        Numerics.AssertClose(Device.Read(gradF), df, 1e-5, "dF");
        Numerics.AssertClose(Device.Read(gradC), dc, 1e-5, "dC");
    }

    [Fact]
    public void MismatchedCentresAreRejected()
    {
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ClustSeg.Runtime.Errors.ShapeMismatchException>(() => recorder.SuperpixelAssign(
            Device.Poisoned("f", 1, 3, 8, 8), Device.Poisoned("c", 1, 3, 5), new SuperpixelGrid(2, 2), Device.Poisoned("a", 1, 9, 64)));
        Assert.Contains("'centres'", e.Message);
        Assert.Contains("[1x3x4]", e.Message);
    }
}
