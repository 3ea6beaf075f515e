namespace ClustSeg.Runtime.Metrics;

/// <summary>
/// numpy's pairwise summation of a contiguous float64 array (what np.sum and np.mean use with no axis), reproduced
/// so that averages agree with the reference tools to the last bit rather than merely to rounding.
/// </summary>
internal static class NumpySum
{
    private const int BlockSize = 128;

    public static double Pairwise(ReadOnlySpan<double> a)
    {
        if (a.Length < 8)
        {
            var sum = 0.0;
            foreach (var v in a) sum += v;
            return sum;
        }
        if (a.Length <= BlockSize)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            var i = 8;
            for (; i < a.Length - a.Length % 8; i += 8)
                for (var j = 0; j < 8; j++) r[j] += a[i + j];
            var result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < a.Length; i++) result += a[i];
            return result;
        }
        var half = a.Length / 2;
        half -= half % 8;
        return Pairwise(a[..half]) + Pairwise(a[half..]);
    }

    /// <summary>np.mean of a 1-D array: pairwise sum divided by the count (NaN when empty).</summary>
    public static double Mean(ReadOnlySpan<double> a) => a.Length == 0 ? double.NaN : Pairwise(a) / a.Length;
}
