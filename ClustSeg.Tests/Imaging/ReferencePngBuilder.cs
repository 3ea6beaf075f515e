using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ClustSeg.Tests.Imaging;

/// <summary>
/// A deliberately plain PNG writer for tests, independent of the production codec: any colour type and bit depth,
/// a caller-chosen filter per scanline, optional Adam7 interlace, palette and tRNS. It exists so the decoder can be
/// checked on layouts the production encoder never writes.
/// </summary>
internal static class ReferencePngBuilder
{
    private static readonly int[][] Adam7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

    public static byte[] Build(int width, int height, int colorType, int bitDepth, Func<int, int, int, int> sample,
        bool interlace = false, Func<int, int>? filterForRow = null, byte[]? palette = null, byte[]? trns = null,
        int idatChunks = 1)
    {
        filterForRow ??= row => row % 5;
        var channels = colorType switch { 0 or 3 => 1, 4 => 2, 2 => 3, 6 => 4, _ => throw new ArgumentException("colour type") };
        var raw = new MemoryStream();
        var passes = interlace ? Adam7 : [[0, 0, 1, 1]];
        var rowCounter = 0;
        foreach (var pass in passes)
        {
            var xs = new List<int>();
            for (var x = pass[0]; x < width; x += pass[2]) xs.Add(x);
            var ys = new List<int>();
            for (var y = pass[1]; y < height; y += pass[3]) ys.Add(y);
            if (xs.Count == 0 || ys.Count == 0) continue;
            var rowLength = (xs.Count * channels * bitDepth + 7) / 8;
            var previous = new byte[rowLength];
            foreach (var y in ys)
            {
                var bits = new List<bool>();
                foreach (var x in xs)
                    for (var c = 0; c < channels; c++)
                    {
                        var v = sample(x, y, c);
                        for (var b = bitDepth - 1; b >= 0; b--) bits.Add(((v >> b) & 1) == 1);
                    }
                var row = new byte[rowLength];
                for (var i = 0; i < bits.Count; i++)
                    if (bits[i]) row[i / 8] |= (byte)(0x80 >> (i % 8));
                var filter = filterForRow(rowCounter++);
                raw.WriteByte((byte)filter);
                var bpp = Math.Max(1, channels * bitDepth / 8);
                for (var i = 0; i < rowLength; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = previous[i], c = i >= bpp ? previous[i - bpp] : 0;
                    int predicted = filter switch
                    {
                        0 => 0,
                        1 => a,
                        2 => b,
                        3 => (a + b) / 2,
                        _ => Paeth(a, b, c),
                    };
                    raw.WriteByte((byte)(row[i] - predicted));
                }
                previous = row;
            }
        }

        var zdata = new MemoryStream();
        using (var z = new ZLibStream(zdata, CompressionLevel.Fastest, leaveOpen: true)) raw.WriteTo(z);
        var compressed = zdata.ToArray();

        var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        ihdr[12] = (byte)(interlace ? 1 : 0);
        Chunk(file, "IHDR", ihdr);
        Chunk(file, "tEXt", Encoding.ASCII.GetBytes("Comment\0ancillary chunks are skipped"));
        if (palette is not null) Chunk(file, "PLTE", palette);
        if (trns is not null) Chunk(file, "tRNS", trns);
        var part = (compressed.Length + idatChunks - 1) / idatChunks;
        for (var offset = 0; offset < compressed.Length; offset += part)
            Chunk(file, "IDAT", compressed.AsSpan(offset, Math.Min(part, compressed.Length - offset)).ToArray());
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>CRC-32 computed bit by bit (no table), as the PNG specification's annex describes it.</summary>
    public static uint BitwiseCrc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc >> 1) ^ ((crc & 1) * 0xEDB88320u);
        }
        return ~crc;
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(header, 4);
        s.Write(header);
        s.Write(data);
        var crcInput = header.AsSpan(4).ToArray().Concat(data).ToArray();
        var crcBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, BitwiseCrc32(crcInput));
        s.Write(crcBytes);
    }
}
