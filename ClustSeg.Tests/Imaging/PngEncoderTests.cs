using ClustSeg.Runtime.Imaging.Png;
using StbImageSharp;
using StbImageWriteSharp;

namespace ClustSeg.Tests.Imaging;

public class PngEncoderTests
{
    private static readonly (int W, int H)[] Sizes = [(1, 1), (17, 5), (64, 3), (3, 40)];

    private static byte[] RandomBytes(int count, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[count];
        // Half noise, half smooth ramps, so every filter has rows where it wins.
        for (var i = 0; i < count; i++) bytes[i] = i % 7 < 3 ? (byte)random.Next(256) : (byte)(i / 3);
        return bytes;
    }

    [Fact]
    public void Gray8RoundTripsAndStbReadsIt()
    {
        foreach (var (w, h) in Sizes)
        {
            var pixels = RandomBytes(w * h, w + h);
            var png = PngEncoder.Encode(PngImage.FromGray8(w, h, pixels));
            var decoded = PngDecoder.Decode(png);
            Assert.Equal((PngColorType.Gray, 8), (decoded.ColorType, decoded.BitDepth));
            Assert.Equal(pixels, decoded.ToBytes());
            Assert.Equal(pixels, StbImageSharp.ImageResult.FromMemory(png, StbImageSharp.ColorComponents.Grey).Data);
        }
    }

    [Fact]
    public void Gray16RoundTripsAndStbReadsTheHighBytes()
    {
        foreach (var (w, h) in Sizes)
        {
            var random = new Random(w * h);
            var pixels = Enumerable.Range(0, w * h).Select(i => (ushort)(i % 2 == 0 ? random.Next(65536) : i * 311)).ToArray();
            var png = PngEncoder.Encode(PngImage.FromGray16(w, h, pixels));
            var decoded = PngDecoder.Decode(png);
            Assert.Equal((PngColorType.Gray, 16), (decoded.ColorType, decoded.BitDepth));
            Assert.Equal(pixels, decoded.Samples);
            Assert.Equal(pixels.Select(v => (byte)(v >> 8)).ToArray(),
                StbImageSharp.ImageResult.FromMemory(png, StbImageSharp.ColorComponents.Grey).Data);
        }
    }

    [Fact]
    public void Rgb8RoundTripsAndStbReadsIt()
    {
        foreach (var (w, h) in Sizes)
        {
            var pixels = RandomBytes(w * h * 3, w * 31 + h);
            var png = PngEncoder.Encode(PngImage.FromRgb8(w, h, pixels));
            var decoded = PngDecoder.Decode(png);
            Assert.Equal((PngColorType.Rgb, 8, 3), (decoded.ColorType, decoded.BitDepth, decoded.Channels));
            Assert.Equal(pixels, decoded.ToBytes());
            Assert.Equal(pixels, StbImageSharp.ImageResult.FromMemory(png, StbImageSharp.ColorComponents.RedGreenBlue).Data);
        }
    }

    [Fact]
    public void Rgba8RoundTripsAndStbReadsIt()
    {
        foreach (var (w, h) in Sizes)
        {
            var pixels = RandomBytes(w * h * 4, w * 17 + h);
            var png = PngEncoder.Encode(PngImage.FromRgba8(w, h, pixels));
            var decoded = PngDecoder.Decode(png);
            Assert.Equal((PngColorType.Rgba, 8, 4), (decoded.ColorType, decoded.BitDepth, decoded.Channels));
            Assert.Equal(pixels, decoded.ToBytes());
            Assert.Equal(pixels, StbImageSharp.ImageResult.FromMemory(png, StbImageSharp.ColorComponents.RedGreenBlueAlpha).Data);
        }
    }

    [Fact]
    public void DecodesWhatStbImageWriteProduces()
    {
        const int w = 23, h = 9;
        var rgb = RandomBytes(w * h * 3, 5);
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(rgb, w, h, StbImageWriteSharp.ColorComponents.RedGreenBlue, stream);
        Assert.Equal(rgb, PngDecoder.Decode(stream.ToArray()).ToBytes());
    }

    [Fact]
    public void WriteCreatesTheFileAtomically()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"clustseg-png-{Guid.NewGuid():N}");
        var path = Path.Combine(dir, "sub", "label.png");
        try
        {
            PngEncoder.Write(path, PngImage.FromGray8(2, 2, [0, 1, 254, 255]));
            Assert.Equal(new byte[] { 0, 1, 254, 255 }, PngDecoder.Decode(path).ToBytes());
            Assert.False(File.Exists(path + ".tmp"));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RejectsLayoutsItDoesNotWrite()
    {
        var palette = new PngImage(2, 1, PngColorType.Palette, 8, [0, 1], [1, 2, 3, 4, 5, 6]);
        Assert.Throws<NotSupportedException>(() => PngEncoder.Encode(palette));
        var rgb16 = new PngImage(1, 1, PngColorType.Rgb, 16, [1, 2, 3]);
        Assert.Throws<NotSupportedException>(() => PngEncoder.Encode(rgb16));
    }
}
