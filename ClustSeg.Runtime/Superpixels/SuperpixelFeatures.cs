using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Ops;

namespace ClustSeg.Runtime.Superpixels;

/// <summary>
/// The host-side piece of the superpixel model that is cheap on the CPU: the colour and position features of the
/// untrained model. Grid seeds are taken on the device by adaptive average pooling (SuperpixelSegmenter).
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
}
