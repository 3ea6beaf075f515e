using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Kernels.Reference;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class SuperpixelLabelsTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void EachPixelTakesItsStrongestValidCell()
    {
        const int b = 2, h = 9, w = 11;
        var grid = new SuperpixelGrid(2, 3);
        var reference = new SuperpixelReference(b, 1, h, w, grid.Rows, grid.Cols);
        var a = Numerics.Random(b * 9 * h * w, 1).Select(Math.Abs).ToArray();
        var expected = new int[b * h * w];
        for (var bi = 0; bi < b; bi++)
        for (var n = 0; n < h * w; n++)
        {
            var best = -1.0;
            for (var j = 0; j < 9; j++)
            {
                var k = reference.SlotCell(n, j);
                if (k >= 0 && a[(bi * 9 + j) * h * w + n] > best) (best, expected[bi * h * w + n]) = (a[(bi * 9 + j) * h * w + n], k);
            }
        }
        var labels = Device.Scratch.Allocate("labels", DType.I32, b, h * w);
        using var recorder = Device.BeginRecording();
        recorder.Fill(labels, -7);
        recorder.SuperpixelLabels(Device.Upload("a", a, b, 9, h * w), h, w, grid, labels);
        recorder.Submit();
        Assert.Equal(expected, Device.Download<int>(labels));
    }

    [Theory]
    [InlineData(600, 321, 481, 20, 30)]
    [InlineData(600, 481, 321, 30, 20)]
    [InlineData(1, 10, 10, 1, 1)]
    [InlineData(100, 64, 64, 10, 10)]
    public void GridFollowsTheRoundingRule(int k, int h, int w, int rows, int cols)
    {
        Assert.Equal(new SuperpixelGrid(rows, cols), SuperpixelGrid.For(k, h, w));
    }
}
