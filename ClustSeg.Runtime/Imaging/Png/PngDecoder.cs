using System.Buffers.Binary;
using System.IO.Compression;
using ClustSeg.Runtime.Data;

namespace ClustSeg.Runtime.Imaging.Png;

/// <summary>
/// Decodes PNG files of every standard layout (grey, grey+alpha, RGB, RGBA, palette; bit depths 1-16; all five
/// filters; Adam7 interlace) into raw sample values. Every chunk CRC is checked; truncated or corrupt files raise
/// <see cref="PngFormatException"/> naming the file.
/// </summary>
public static class PngDecoder
{
    /// <summary>Decodes the PNG file at <paramref name="path"/>.</summary>
    public static PngImage Decode(string path)
    {
        if (!File.Exists(path))
            throw new DataFileException(path, "PNG file does not exist. Check the path and the dataset layout.");
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes PNG bytes; <paramref name="source"/> names them in error messages.</summary>
    public static PngImage Decode(ReadOnlyMemory<byte> bytes, string source = "<memory>")
    {
        var chunks = PngChunkReader.ReadAll(bytes, source);
        if (chunks[0].Type != "IHDR" || chunks[0].Data.Length != 13)
            throw new PngFormatException(source, "the first chunk must be a 13-byte IHDR; the header is corrupt.");
        var header = ParseHeader(chunks[0].Data.Span, source);

        byte[]? palette = null, transparency = null;
        var compressed = new MemoryStream();
        foreach (var chunk in chunks.Skip(1))
        {
            switch (chunk.Type)
            {
                case "PLTE":
                    if (chunk.Data.Length == 0 || chunk.Data.Length % 3 != 0 || chunk.Data.Length > 768)
                        throw new PngFormatException(source, $"PLTE chunk has {chunk.Data.Length} bytes; it must hold 1 to 256 RGB triplets.");
                    palette = chunk.Data.ToArray();
                    break;
                case "tRNS":
                    transparency = chunk.Data.ToArray();
                    break;
                case "IDAT":
                    compressed.Write(chunk.Data.Span);
                    break;
                case "IEND":
                    break;
                case "IHDR":
                    throw new PngFormatException(source, "more than one IHDR chunk.");
                default:
                    if (chunk.IsCritical)
                        throw new PngFormatException(source, $"unknown critical chunk '{chunk.Type}'; this decoder cannot read it safely. Re-save the file as a standard PNG.");
                    break;
            }
        }
        if (compressed.Length == 0) throw new PngFormatException(source, "no IDAT chunk: the file has no image data.");
        if (header.ColorType == PngColorType.Palette && palette is null)
            throw new PngFormatException(source, "palette image without a PLTE chunk.");

        var raw = Inflate(compressed, ExpectedRawBytes(header, source), source);
        var samples = Reconstruct(raw, header, source);
        return new PngImage(header.Width, header.Height, header.ColorType, header.BitDepth, samples, palette)
        {
            Transparency = transparency,
        };
    }

    private readonly record struct Header(int Width, int Height, PngColorType ColorType, int BitDepth, bool Interlaced)
    {
        public int Channels => PngLayout.ChannelCount(ColorType);
    }

    private static Header ParseHeader(ReadOnlySpan<byte> ihdr, string source)
    {
        var width = BinaryPrimitives.ReadUInt32BigEndian(ihdr);
        var height = BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]);
        int bitDepth = ihdr[8], colorType = ihdr[9], compression = ihdr[10], filterMethod = ihdr[11], interlace = ihdr[12];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            throw new PngFormatException(source, $"invalid size {width}x{height} in IHDR.");
        if (colorType is not (0 or 2 or 3 or 4 or 6))
            throw new PngFormatException(source, $"invalid colour type {colorType} in IHDR.");
        var type = (PngColorType)colorType;
        if (!PngLayout.IsValidDepth(type, bitDepth))
            throw new PngFormatException(source, $"bit depth {bitDepth} is not allowed for colour type {type}.");
        if (compression != 0 || filterMethod != 0 || interlace > 1)
            throw new PngFormatException(source, $"unsupported compression {compression}, filter method {filterMethod} or interlace {interlace} in IHDR.");
        if ((long)width * height * PngLayout.ChannelCount(type) > Array.MaxLength)
            throw new PngFormatException(source, $"image {width}x{height} is too large to decode into one array.");
        return new Header((int)width, (int)height, type, bitDepth, interlace == 1);
    }

    private static IEnumerable<(int X0, int Y0, int Dx, int Dy)> Passes(Header header) =>
        header.Interlaced ? PngLayout.Adam7Passes : [(0, 0, 1, 1)];

    private static long ExpectedRawBytes(Header header, string source)
    {
        long total = 0;
        foreach (var (x0, y0, dx, dy) in Passes(header))
        {
            var w = PngLayout.PassExtent(header.Width, x0, dx);
            var h = PngLayout.PassExtent(header.Height, y0, dy);
            if (w == 0 || h == 0) continue; // empty passes carry no filter bytes
            total += h * (1 + PngLayout.RowBytes(w, header.Channels, header.BitDepth));
        }
        if (total > Array.MaxLength) throw new PngFormatException(source, "decompressed image data would exceed the largest array.");
        return total;
    }

    private static byte[] Inflate(MemoryStream compressed, long expected, string source)
    {
        compressed.Position = 0;
        var raw = new byte[expected];
        int filled;
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
            filled = zlib.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new PngFormatException(source, $"the compressed image data is corrupt or truncated ({e.Message}).");
        }
        if (filled < expected)
            throw new PngFormatException(source, $"image data is truncated: {filled} of {expected} decompressed bytes present. Re-copy or re-export the file.");
        return raw;
    }

    private static ushort[] Reconstruct(byte[] raw, Header header, string source)
    {
        var channels = header.Channels;
        var samples = new ushort[(long)header.Width * header.Height * channels];
        var stride = PngLayout.FilterStride(channels, header.BitDepth);
        long offset = 0;
        foreach (var (x0, y0, dx, dy) in Passes(header))
        {
            var passWidth = PngLayout.PassExtent(header.Width, x0, dx);
            var passHeight = PngLayout.PassExtent(header.Height, y0, dy);
            if (passWidth == 0 || passHeight == 0) continue;
            var rowBytes = (int)PngLayout.RowBytes(passWidth, channels, header.BitDepth);
            var previous = new byte[rowBytes];
            var current = new byte[rowBytes];
            for (var py = 0; py < passHeight; py++)
            {
                var filter = raw[offset];
                raw.AsSpan((int)(offset + 1), rowBytes).CopyTo(current);
                offset += 1 + rowBytes;
                if (!PngFilters.Unfilter(filter, current, previous, stride))
                    throw new PngFormatException(source, $"unknown filter type {filter} on row {y0 + py * dy}; the image data is corrupt.");
                var y = y0 + py * dy;
                for (var px = 0; px < passWidth; px++)
                {
                    var destination = ((long)y * header.Width + x0 + px * dx) * channels;
                    for (var c = 0; c < channels; c++)
                        samples[destination + c] = ReadSample(current, px * channels + c, header.BitDepth);
                }
                (previous, current) = (current, previous);
            }
        }
        return samples;
    }

    private static ushort ReadSample(byte[] row, int index, int bitDepth)
    {
        switch (bitDepth)
        {
            case 8:
                return row[index];
            case 16:
                return (ushort)(row[2 * index] << 8 | row[2 * index + 1]);
            default:
                var bit = index * bitDepth;
                var shift = 8 - bitDepth - bit % 8;
                return (ushort)(row[bit / 8] >> shift & ((1 << bitDepth) - 1));
        }
    }
}
