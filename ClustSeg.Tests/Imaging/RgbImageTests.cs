using ClustSeg.Runtime.Imaging;

namespace ClustSeg.Tests.Imaging;

public sealed class RgbImageTests
{
    [Fact]
    public void ResizeInterpolatesAtPixelCentresAndClampsAtTheBorder()
    {
        // One row, red 0 then 100: doubled, the centres sit at source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (to 1).
        var image = new RgbImage(2, 1, [0, 10, 20, 100, 10, 220]);
        var resized = image.Resize(4, 1);
        Assert.Equal((4, 1), (resized.Width, resized.Height));
        Assert.Equal(new byte[] { 0, 25, 75, 100 }, Enumerable.Range(0, 4).Select(x => resized.Pixels[3 * x]).ToArray());
        Assert.All(Enumerable.Range(0, 4), x => Assert.Equal(10, resized.Pixels[3 * x + 1]));
        Assert.Equal(new byte[] { 20, 70, 170, 220 }, Enumerable.Range(0, 4).Select(x => resized.Pixels[3 * x + 2]).ToArray());
    }

    [Fact]
    public void MirrorReversesEachRowAndKeepsEachPixelsChannels()
    {
        var image = new RgbImage(3, 2, Enumerable.Range(0, 18).Select(i => (byte)i).ToArray());
        var mirrored = image.MirrorLeftRight();
        Assert.Equal((3, 2), (mirrored.Width, mirrored.Height));
        Assert.Equal(new byte[] { 6, 7, 8, 3, 4, 5, 0, 1, 2, 15, 16, 17, 12, 13, 14, 9, 10, 11 }, mirrored.Pixels);
        Assert.Equal(image.Pixels, mirrored.MirrorLeftRight().Pixels);
    }

    [Fact]
    public void HalvingAveragesEachPairAndTheSameSizeIsACopy()
    {
        var pixels = Enumerable.Range(0, 4 * 2 * 3).Select(i => (byte)(i * 9)).ToArray();
        var image = new RgbImage(4, 2, pixels);
        var half = image.Resize(2, 1);
        // Source centres at (0.5, 0.5) and (2.5, 0.5): the mean of a 2x2 block.
        for (var x = 0; x < 2; x++)
            for (var c = 0; c < 3; c++)
            {
                var mean = (pixels[(2 * x) * 3 + c] + pixels[(2 * x + 1) * 3 + c] + pixels[(4 + 2 * x) * 3 + c] + pixels[(4 + 2 * x + 1) * 3 + c]) / 4.0;
                Assert.Equal((byte)Math.Round(mean), half.Pixels[x * 3 + c]);
            }
        var same = image.Resize(4, 2);
        Assert.Equal(pixels, same.Pixels);
        Assert.NotSame(pixels, same.Pixels);
    }
}
