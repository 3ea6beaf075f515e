namespace ClustSeg.Runtime.Imaging.Png;

/// <summary>The five PNG scanline filters (None, Sub, Up, Average, Paeth) and their inverses.</summary>
internal static class PngFilters
{
    public const byte None = 0, Sub = 1, Up = 2, Average = 3, Paeth = 4;

    /// <summary>Reverses filter <paramref name="filter"/> in place on <paramref name="row"/>; <paramref name="previous"/> is the unfiltered row above (zeros for the first row).</summary>
    /// <returns>False if the filter type is unknown.</returns>
    public static bool Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int stride)
    {
        switch (filter)
        {
            case None:
                return true;
            case Sub:
                for (var i = stride; i < row.Length; i++) row[i] += row[i - stride];
                return true;
            case Up:
                for (var i = 0; i < row.Length; i++) row[i] += previous[i];
                return true;
            case Average:
                for (var i = 0; i < row.Length; i++)
                {
                    var left = i >= stride ? row[i - stride] : 0;
                    row[i] += (byte)((left + previous[i]) >> 1);
                }
                return true;
            case Paeth:
                for (var i = 0; i < row.Length; i++)
                {
                    var left = i >= stride ? row[i - stride] : (byte)0;
                    var upLeft = i >= stride ? previous[i - stride] : (byte)0;
                    row[i] += PaethPredictor(left, previous[i], upLeft);
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes <paramref name="row"/> filtered with <paramref name="filter"/> into <paramref name="output"/>.</summary>
    public static void Filter(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int stride, Span<byte> output)
    {
        for (var i = 0; i < row.Length; i++)
        {
            var left = i >= stride ? row[i - stride] : (byte)0;
            var upLeft = i >= stride ? previous[i - stride] : (byte)0;
            var predictor = filter switch
            {
                None => 0,
                Sub => left,
                Up => previous[i],
                Average => (left + previous[i]) >> 1,
                Paeth => PaethPredictor(left, previous[i], upLeft),
                _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "PNG filter types are 0..4."),
            };
            output[i] = (byte)(row[i] - predictor);
        }
    }

    public static byte PaethPredictor(byte left, byte up, byte upLeft)
    {
        var estimate = left + up - upLeft;
        var distLeft = Math.Abs(estimate - left);
        var distUp = Math.Abs(estimate - up);
        var distUpLeft = Math.Abs(estimate - upLeft);
        if (distLeft <= distUp && distLeft <= distUpLeft) return left;
        return distUp <= distUpLeft ? up : upLeft;
    }
}
