using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Ops;

namespace ClustSeg.Runtime.Superpixels;

/// <summary>
/// Host-side pieces of the superpixel model that are cheap on the CPU: the colour and position features of the
/// untrained model, and grid seeds by adaptive average pooling.
/// </summary>
public static class SuperpixelFeatures
{
    /// <summary>Number of channels of <see cref="LabXy"/>: L, a, b, y, x.</summary>
    public const int LabXyChannels = 5;

    /// <summary>
    /// Planar features [5, H, W]: Lab colour times s_c, then (y, x) times s_p = eta * sqrt(K) / max(H, W).
    /// </summary>
    public static float[] LabXy(RgbImage image, SuperpixelOptions options)
    {
        int h = image.Height, w = image.Width, n = h * w;
        var features = new float[LabXyChannels * n];
        var lab = ColorSpace.SrgbToLabPlanar(image);
        if (options.Smoothing > 0) Parallel.For(0, 3, c => GaussianBlur.Apply(lab.AsSpan(c * n, n), h, w, options.Smoothing));
        for (var i = 0; i < 3 * n; i++) features[i] = lab[i] * options.ColorScale;
        var positionScale = PositionScale(options, h, w);
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            features[3 * n + y * w + x] = y * positionScale;
            features[4 * n + y * w + x] = x * positionScale;
        }
        return features;
    }

    /// <summary>s_p for an image of this size.</summary>
    public static float PositionScale(SuperpixelOptions options, int height, int width) =>
        (float)(options.PositionScale * Math.Sqrt(options.Superpixels) / Math.Max(height, width));

    /// <summary>
    /// Grid seeds [C, gh*gw]: the mean of each channel over each cell, cells as adaptive average pooling defines them
    /// (rows floor(i H / gh) .. ceil((i + 1) H / gh) - 1), in row-major cell order.
    /// </summary>
    public static float[] GridSeeds(ReadOnlySpan<float> features, int channels, int height, int width, SuperpixelGrid grid)
    {
        var seeds = new float[channels * grid.Cells];
        for (var r = 0; r < grid.Rows; r++)
        {
            int y0 = r * height / grid.Rows, y1 = (int)Math.Ceiling((r + 1) * (double)height / grid.Rows);
            for (var q = 0; q < grid.Cols; q++)
            {
                int x0 = q * width / grid.Cols, x1 = (int)Math.Ceiling((q + 1) * (double)width / grid.Cols);
                var count = (y1 - y0) * (x1 - x0);
                for (var c = 0; c < channels; c++)
                {
                    double sum = 0;
                    var plane = features.Slice(c * height * width, height * width);
                    for (var y = y0; y < y1; y++)
                    for (var x = x0; x < x1; x++) sum += plane[y * width + x];
                    seeds[c * grid.Cells + r * grid.Cols + q] = (float)(sum / count);
                }
            }
        }
        return seeds;
    }
}
