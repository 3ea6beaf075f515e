using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ClustSeg.Runtime.Data;

namespace ClustSeg.Runtime.Imaging.Png;

/// <summary>
/// Encodes 8-bit grey, 16-bit grey, 8-bit RGB and 8-bit RGBA images as non-interlaced PNG, choosing a filter per row
/// by the minimum-sum-of-absolute-differences heuristic.
/// </summary>
public static class PngEncoder
{
    /// <summary>Encodes <paramref name="image"/> (Gray 8/16, RGB 8 or RGBA 8) to PNG bytes.</summary>
    public static byte[] Encode(PngImage image, CompressionLevel level = CompressionLevel.Optimal)
    {
        var supported = (image.ColorType, image.BitDepth) is (PngColorType.Gray, 8) or (PngColorType.Gray, 16)
            or (PngColorType.Rgb, 8) or (PngColorType.Rgba, 8);
        if (!supported)
            throw new NotSupportedException($"PngEncoder writes grey 8/16-bit, RGB 8-bit and RGBA 8-bit; this image is {image.ColorType} {image.BitDepth}-bit.");

        var output = new MemoryStream();
        output.Write(PngLayout.Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)image.Height);
        header[8] = (byte)image.BitDepth;
        header[9] = (byte)image.ColorType;
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", CompressRows(image, level));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>Encodes <paramref name="image"/> and writes it to <paramref name="path"/> (through a temporary file, so a crash never leaves half a PNG).</summary>
    public static void Write(string path, PngImage image, CompressionLevel level = CompressionLevel.Optimal)
    {
        var bytes = Encode(image, level);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    private static byte[] CompressRows(PngImage image, CompressionLevel level)
    {
        var channels = image.Channels;
        var rowBytes = (int)PngLayout.RowBytes(image.Width, channels, image.BitDepth);
        var stride = PngLayout.FilterStride(channels, image.BitDepth);
        var previous = new byte[rowBytes];
        var current = new byte[rowBytes];
        var candidate = new byte[rowBytes];
        var best = new byte[rowBytes];
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            for (var y = 0; y < image.Height; y++)
            {
                PackRow(image, y, current);
                byte bestFilter = 0;
                var bestScore = long.MaxValue;
                for (byte filter = 0; filter <= PngFilters.Paeth; filter++)
                {
                    PngFilters.Filter(filter, current, previous, stride, candidate);
                    var score = 0L;
                    foreach (var b in candidate) score += Math.Abs((int)(sbyte)b);
                    if (score >= bestScore) continue;
                    bestScore = score;
                    bestFilter = filter;
                    (best, candidate) = (candidate, best);
                }
                zlib.WriteByte(bestFilter);
                zlib.Write(best);
                (previous, current) = (current, previous);
            }
        }
        return compressed.ToArray();
    }

    private static void PackRow(PngImage image, int y, byte[] row)
    {
        var count = image.Width * image.Channels;
        var start = (long)y * count;
        var samples = image.Samples;
        if (image.BitDepth == 16)
        {
            for (var i = 0; i < count; i++) BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(2 * i), samples[start + i]);
            return;
        }
        for (var i = 0; i < count; i++)
        {
            var value = samples[start + i];
            if (value > 255) throw new ArgumentException($"Sample {value} at index {start + i} does not fit an 8-bit PNG.", nameof(image));
            row[i] = (byte)value;
        }
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}
