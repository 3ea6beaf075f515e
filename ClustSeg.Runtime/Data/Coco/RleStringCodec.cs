namespace ClustSeg.Runtime.Data.Coco;

/// <summary>
/// COCO's compressed RLE strings: each count (from the fourth on, the difference to the count two places earlier) is
/// written as a signed little-endian base-32 number, 5 bits per character with a continuation bit, offset by 48.
/// </summary>
internal static class RleStringCodec
{
    public static string Encode(ReadOnlySpan<uint> counts)
    {
        var text = new System.Text.StringBuilder(counts.Length * 2);
        for (var i = 0; i < counts.Length; i++)
        {
            long x = counts[i];
            if (i > 2) x -= counts[i - 2];
            var more = true;
            while (more)
            {
                var c = (int)(x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                text.Append((char)(c + 48));
            }
        }
        return text.ToString();
    }

    public static uint[] Decode(string text)
    {
        var counts = new List<uint>(text.Length);
        var p = 0;
        while (p < text.Length)
        {
            long x = 0;
            var k = 0;
            var more = true;
            while (more)
            {
                if (p >= text.Length) throw new FormatException($"compressed RLE ends in the middle of a number at character {p}.");
                var c = text[p] - 48;
                if (c is < 0 or > 63) throw new FormatException($"compressed RLE has character '{text[p]}' at {p}, outside '0'..'o'.");
                if (k > 11) throw new FormatException($"compressed RLE has a number longer than 64 bits at character {p}.");
                x |= (long)(c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) x |= -1L << (5 * k);
            }
            if (counts.Count > 2) x += counts[^2];
            if (x is < 0 or > uint.MaxValue) throw new FormatException($"compressed RLE decodes to an invalid run length {x} (run {counts.Count}).");
            counts.Add((uint)x);
        }
        return counts.ToArray();
    }
}
