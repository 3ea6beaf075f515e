namespace ClustSeg.Runtime.Metrics.Superpixel;

/// <summary>Summed-area table of a boolean mask, so the count inside any rectangle costs four reads.</summary>
internal sealed class MaskIntegralImage
{
    private readonly int[] _sums;
    private readonly int _stride;

    public MaskIntegralImage(bool[] mask, int width, int height)
    {
        _stride = width + 1;
        _sums = new int[(height + 1) * _stride];
        for (var y = 0; y < height; y++)
        {
            var rowSum = 0;
            for (var x = 0; x < width; x++)
            {
                rowSum += mask[y * width + x] ? 1 : 0;
                _sums[(y + 1) * _stride + x + 1] = _sums[y * _stride + x + 1] + rowSum;
            }
        }
    }

    /// <summary>Number of set pixels in rows y0..y1 and columns x0..x1, inclusive.</summary>
    public int Sum(int y0, int x0, int y1, int x1) =>
        _sums[(y1 + 1) * _stride + x1 + 1] - _sums[y0 * _stride + x1 + 1]
        - _sums[(y1 + 1) * _stride + x0] + _sums[y0 * _stride + x0];
}
