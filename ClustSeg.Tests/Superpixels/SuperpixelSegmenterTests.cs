using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Segmentation;
using ClustSeg.Runtime.Superpixels;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Superpixels;

public sealed class SuperpixelSegmenterTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>A 96x72 picture: textured background, a disc and a bar, deterministic.</summary>
    private static RgbImage Picture()
    {
        const int w = 96, h = 72;
        var rng = new Random(3);
        var rgb = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var inDisc = (x - 30) * (x - 30) + (y - 36) * (y - 36) < 18 * 18;
            var inBar = x > 60 && x < 80 && y > 10 && y < 62;
            var (r, g, b) = inDisc ? (200, 40, 40) : inBar ? (30, 60, 200) : (90 + rng.Next(-15, 15), 160, 80);
            var o = 3 * (y * w + x);
            (rgb[o], rgb[o + 1], rgb[o + 2]) = ((byte)r, (byte)g, (byte)b);
        }
        return new RgbImage(w, h, rgb);
    }

    [Theory]
    [InlineData(24)]
    [InlineData(60)]
    public void LabelsAreContiguousConnectedAndNearTheRequestedCount(int k)
    {
        var result = new SuperpixelSegmenter(Device, new SuperpixelOptions { Superpixels = k }).Segment(Picture());
        var labels = result.Labels;
        Assert.True(LabelMaps.IsEveryLabelConnected(labels));
        Assert.Equal(Enumerable.Range(0, result.Count), labels.Labels.Distinct().Order());
        Assert.InRange(result.Count, (int)(0.85 * k), (int)Math.Ceiling(1.15 * k));
    }

    [Fact]
    public void SuperpixelsDoNotCrossStrongColourEdges()
    {
        var image = Picture();
        var labels = new SuperpixelSegmenter(Device, new SuperpixelOptions { Superpixels = 40 }).Segment(image).Labels;
        // Most superpixels touching the disc's interior lie inside it: compare with the disc mask by majority.
        int mixedPixels = 0;
        foreach (var group in Enumerable.Range(0, labels.PixelCount).GroupBy(i => labels.Labels[i]))
        {
            var inside = group.Count(i => (i % 96 - 30) * (i % 96 - 30) + (i / 96 - 36) * (i / 96 - 36) < 18 * 18);
            mixedPixels += Math.Min(inside, group.Count() - inside);
        }
        Assert.True(mixedPixels < 0.03 * labels.PixelCount, $"{mixedPixels} pixels sit in superpixels straddling the disc edge");
    }
}
