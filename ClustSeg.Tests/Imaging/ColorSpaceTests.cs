using ClustSeg.Runtime.Imaging;

namespace ClustSeg.Tests.Imaging;

public class ColorSpaceTests
{
    // Values from scikit-image's rgb2lab (D65, 2-degree observer) on uint8 input; the primaries are the widely
    // quoted skimage results, (1, 1, 1) exercises the linear segments of both the sRGB and the Lab companding.
    public static TheoryData<byte, byte, byte, double, double, double> Known => new()
    {
        { 255, 0, 0, 53.240588, 80.092308, 67.202751 },
        { 0, 255, 0, 87.735099, -86.183030, 83.179703 },
        { 0, 0, 255, 32.295673, 79.185591, -107.857300 },
        { 255, 255, 255, 100.0, -0.002455, 0.004653 },
        { 0, 0, 0, 0.0, 0.0, 0.0 },
        { 128, 128, 128, 53.585013, -0.001473, 0.002791 },
        { 200, 150, 50, 65.219821, 9.330430, 57.032251 },
        { 1, 1, 1, 0.274173, -0.000017, 0.000033 },
    };

    [Theory]
    [MemberData(nameof(Known))]
    public void MatchesScikitImage(byte r, byte g, byte b, double l, double a, double bb)
    {
        var lab = ColorSpace.SrgbToLab(r, g, b);
        Assert.Equal(l, lab.L, 1e-4);
        Assert.Equal(a, lab.A, 1e-4);
        Assert.Equal(bb, lab.B, 1e-4);
    }

    [Fact]
    public void WholeImageLayoutsAgreeWithPerPixelConversion()
    {
        // 3x2 image: red, green, blue / white, black, grey.
        byte[] pixels = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128];
        var image = new RgbImage(3, 2, pixels);

        var planar = ColorSpace.SrgbToLabPlanar(image);
        var interleaved = ColorSpace.SrgbToLabInterleaved(image);

        Assert.Equal(18, planar.Length);
        for (var i = 0; i < 6; i++)
        {
            var (l, a, b) = ColorSpace.SrgbToLab(pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]);
            Assert.Equal([l, a, b], [planar[i], planar[6 + i], planar[12 + i]]);
            Assert.Equal([l, a, b], interleaved[(3 * i)..(3 * i + 3)]);
        }
        Assert.Equal(53.240588, planar[0], 1e-4); // L of the red pixel (0, 0)
        Assert.Equal(-107.8573, planar[12 + 2], 1e-3); // b of the blue pixel (0, 2)
    }
}
