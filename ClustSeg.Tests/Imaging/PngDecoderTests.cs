using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Imaging.Png;
using StbImageSharp;

namespace ClustSeg.Tests.Imaging;

public class PngDecoderTests
{
    public static TheoryData<int, int, bool> Layouts()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var interlace in new[] { false, true })
        {
            foreach (var depth in new[] { 1, 2, 4, 8, 16 }) data.Add(0, depth, interlace);
            foreach (var depth in new[] { 1, 2, 4, 8 }) data.Add(3, depth, interlace);
            foreach (var colorType in new[] { 2, 4, 6 })
                foreach (var depth in new[] { 8, 16 }) data.Add(colorType, depth, interlace);
        }
        return data;
    }

    private static int Channels(int colorType) => colorType switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };

    private static int Pattern(int x, int y, int c, int depth, int paletteSize) =>
        (x * 7 + y * 13 + c * 5 + x * y * 3) % (paletteSize > 0 ? paletteSize : 1 << depth);

    private static byte[] Palette(int entries)
    {
        var palette = new byte[entries * 3];
        for (var i = 0; i < palette.Length; i++) palette[i] = (byte)(i * 37 + 11);
        return palette;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void DecodesRawSamplesOfEveryLayout(int colorType, int depth, bool interlace)
    {
        var paletteSize = colorType == 3 ? Math.Min(1 << depth, 200) : 0;
        foreach (var (w, h) in new[] { (13, 11), (1, 1), (3, 2), (9, 17) })
        {
            var bytes = ReferencePngBuilder.Build(w, h, colorType, depth, (x, y, c) => Pattern(x, y, c, depth, paletteSize),
                interlace, palette: paletteSize > 0 ? Palette(paletteSize) : null, idatChunks: 3);
            var image = PngDecoder.Decode(bytes, "crafted");
            Assert.Equal((w, h, depth, Channels(colorType)), (image.Width, image.Height, image.BitDepth, image.Channels));
            Assert.Equal((PngColorType)colorType, image.ColorType);
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                    for (var c = 0; c < image.Channels; c++)
                        Assert.Equal(Pattern(x, y, c, depth, paletteSize), image.GetSample(x, y, c));
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void AgreesWithStbImageAfterItsEightBitConversion(int colorType, int depth, bool interlace)
    {
        const int w = 21, h = 14;
        var paletteSize = colorType == 3 ? Math.Min(1 << depth, 200) : 0;
        var palette = paletteSize > 0 ? Palette(paletteSize) : null;
        var bytes = ReferencePngBuilder.Build(w, h, colorType, depth, (x, y, c) => Pattern(x, y, c, depth, paletteSize), interlace, palette: palette);
        var image = PngDecoder.Decode(bytes);
        var stbComponents = colorType switch
        {
            0 => ColorComponents.Grey, 4 => ColorComponents.GreyAlpha, 6 => ColorComponents.RedGreenBlueAlpha,
            _ => ColorComponents.RedGreenBlue,
        };
        var stb = ImageResult.FromMemory(bytes, stbComponents);
        var expected = colorType == 3 ? image.ExpandPaletteToRgb() : image.Samples.Select(v => ToEightBit(v, depth)).ToArray();
        Assert.Equal(expected, stb.Data);
    }

    // stb scales low-depth grey to 0..255 and keeps the high byte of 16-bit samples.
    private static byte ToEightBit(ushort value, int depth) => depth switch
    {
        16 => (byte)(value >> 8),
        8 => (byte)value,
        _ => (byte)(value * (255 / ((1 << depth) - 1))),
    };

    [Fact]
    public void KeepsPaletteIndicesAndTransparency()
    {
        var palette = Palette(4);
        byte[] alpha = [0, 128, 255];
        var bytes = ReferencePngBuilder.Build(5, 4, 3, 2, (x, y, _) => (x + y) % 4, palette: palette, trns: alpha);
        var image = PngDecoder.Decode(bytes);
        Assert.Equal(PngColorType.Palette, image.ColorType);
        Assert.Equal(3, image.GetSample(2, 1));
        Assert.Equal(palette, image.Palette);
        Assert.Equal(alpha, image.Transparency);
        var pixel = (1 * 5 + 2) * 3; // (x 2, y 1) holds index 3
        Assert.Equal(new byte[] { palette[9], palette[10], palette[11] }, image.ExpandPaletteToRgb()[pixel..(pixel + 3)]);
    }

    [Fact]
    public void SixteenBitSamplesStaySixteenBit()
    {
        var bytes = ReferencePngBuilder.Build(3, 2, 0, 16, (x, y, _) => 40000 + x * 1000 + y, interlace: true);
        var image = PngDecoder.Decode(bytes);
        Assert.Equal(42001, image.GetSample(2, 1));
        Assert.Throws<InvalidOperationException>(() => image.ToBytes());
    }

    [Fact]
    public void BadSignatureNamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"clustseg-not-a-png-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, "\xFF\xD8\xFF\xE0 this is a JPEG header"u8.ToArray());
        try
        {
            var e = Assert.Throws<PngFormatException>(() => PngDecoder.Decode(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("signature", e.Message);
            Assert.Equal(path, e.FileName);
            Assert.IsAssignableFrom<DataFileException>(e);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"clustseg-missing-{Guid.NewGuid():N}.png");
        var e = Assert.Throws<DataFileException>(() => PngDecoder.Decode(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void BadCrcIsReported()
    {
        var bytes = ReferencePngBuilder.Build(8, 8, 2, 8, (x, y, c) => x + y + c);
        var idat = IndexOf(bytes, "IDAT"u8.ToArray());
        bytes[idat + 6] ^= 0x40; // flip a bit inside the compressed data
        var e = Assert.Throws<PngFormatException>(() => PngDecoder.Decode(bytes, "flipped.png"));
        Assert.Contains("flipped.png", e.Message);
        Assert.Contains("bad CRC in chunk IDAT", e.Message);
    }

    [Fact]
    public void EveryTruncationIsAnError()
    {
        var bytes = ReferencePngBuilder.Build(16, 16, 0, 8, (x, y, _) => x * y % 256);
        for (var length = 0; length < bytes.Length; length++)
        {
            var cut = bytes.AsMemory(0, length);
            var e = Assert.Throws<PngFormatException>(() => PngDecoder.Decode(cut, "cut.png"));
            Assert.Contains("cut.png", e.Message);
        }
        var tail = Assert.Throws<PngFormatException>(() => PngDecoder.Decode(bytes.AsMemory(0, bytes.Length - 20), "cut.png"));
        Assert.Contains("truncated", tail.Message);
    }

    [Fact]
    public void MissingImageDataInsideAValidStreamIsTruncation()
    {
        // A well-formed file whose zlib stream holds fewer rows than IHDR promises.
        var bytes = ReferencePngBuilder.Build(4, 2, 0, 8, (x, y, _) => x);
        var idat = IndexOf(bytes, "IHDR"u8.ToArray());
        bytes[idat + 4 + 7] = 3; // height 2 -> 3
        var crc = ReferencePngBuilder.BitwiseCrc32(bytes[idat..(idat + 17)]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(idat + 17), crc);
        var e = Assert.Throws<PngFormatException>(() => PngDecoder.Decode(bytes, "short.png"));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void UnknownFilterTypeIsReported()
    {
        var bytes = ReferencePngBuilder.Build(4, 3, 0, 8, (x, y, _) => x, filterForRow: row => row == 1 ? 7 : 0);
        var e = Assert.Throws<PngFormatException>(() => PngDecoder.Decode(bytes, "filter.png"));
        Assert.Contains("unknown filter type 7", e.Message);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("needle not found");
    }
}
