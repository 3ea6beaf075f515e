using System.Buffers.Binary;
using System.Text;

namespace ClustSeg.Runtime.Imaging.Png;

/// <summary>One chunk of a PNG stream: its four-letter type and its data (a slice of the file).</summary>
internal readonly record struct PngChunk(string Type, ReadOnlyMemory<byte> Data)
{
    /// <summary>Critical chunks have an upper-case first letter; a decoder must understand them.</summary>
    public bool IsCritical => char.IsAsciiLetterUpper(Type[0]);
}

/// <summary>Splits a PNG file into chunks, checking the signature, chunk bounds and every CRC.</summary>
internal static class PngChunkReader
{
    public static List<PngChunk> ReadAll(ReadOnlyMemory<byte> file, string source)
    {
        var bytes = file.Span;
        if (bytes.Length < PngLayout.Signature.Length || !bytes[..PngLayout.Signature.Length].SequenceEqual(PngLayout.Signature))
            throw new PngFormatException(source, "not a PNG file (the 8-byte PNG signature is missing). Check that the file is a PNG and was not saved as JPEG or text.");
        var chunks = new List<PngChunk>();
        var offset = PngLayout.Signature.Length;
        while (true)
        {
            if (bytes.Length - offset < 12)
                throw new PngFormatException(source, $"file is truncated: it ends at byte {bytes.Length} before the IEND chunk. Re-copy or re-export the file.");
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]);
            var typeBytes = bytes.Slice(offset + 4, 4);
            var type = Encoding.ASCII.GetString(typeBytes);
            foreach (var c in typeBytes)
                if (!char.IsAsciiLetter((char)c))
                    throw new PngFormatException(source, $"corrupt chunk header at byte {offset} (type bytes are not letters).");
            if (length > int.MaxValue || length > bytes.Length - offset - 12)
                throw new PngFormatException(source, $"file is truncated: chunk {type} at byte {offset} declares {length} data bytes but only {Math.Max(0, bytes.Length - offset - 12)} remain. Re-copy or re-export the file.");
            var dataLength = (int)length;
            var stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[(offset + 8 + dataLength)..]);
            var computed = Crc32.Compute(bytes.Slice(offset + 4, 4 + dataLength));
            if (stored != computed)
                throw new PngFormatException(source, $"bad CRC in chunk {type} at byte {offset} (stored 0x{stored:X8}, computed 0x{computed:X8}); the file is corrupt.");
            chunks.Add(new PngChunk(type, file.Slice(offset + 8, dataLength)));
            offset += 12 + dataLength;
            if (type == "IEND") return chunks;
        }
    }
}
