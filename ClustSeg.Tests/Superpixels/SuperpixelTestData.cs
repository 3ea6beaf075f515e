using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Superpixels;

namespace ClustSeg.Tests.Superpixels;

/// <summary>Small deterministic superpixel training inputs for the gradient and smoke tests.</summary>
internal static class SuperpixelTestData
{

    /// <summary>A w x h picture of three noisy colour regions (a disc, a bar, background) and its labels 0, 1, 2.</summary>
    public static (RgbImage Image, int[] Labels) Regions(int w, int h, int seed)
    {
        var rng = new Random(seed);
        var rgb = new byte[3 * w * h];
        var labels = new int[w * h];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var disc = (x - w / 3.0) * (x - w / 3.0) + (y - h / 2.0) * (y - h / 2.0) < w * h / 14.0;
            var bar = x > 2 * w / 3 && y > h / 5;
            var label = disc ? 1 : bar ? 2 : 0;
            var (r, g, b) = label switch { 1 => (190, 60, 50), 2 => (60, 80, 180), _ => (110, 150, 90) };
            int Noise() => rng.Next(-25, 26);
            var o = 3 * (y * w + x);
            (rgb[o], rgb[o + 1], rgb[o + 2]) = ((byte)(r + Noise()), (byte)(g + Noise()), (byte)(b + Noise()));
            labels[y * w + x] = label;
        }
        return (new RgbImage(w, h, rgb), labels);
    }

    /// <summary>
    /// A batch for the picture with soft (small-scale) features, so the assignments are far from one-hot and every
    /// gradient is clearly nonzero.
    /// </summary>
    public static SuperpixelBatch Batch(int w, int h, int superpixels, SuperpixelGrid grid, int seed)
    {
        var (image, labels) = Regions(w, h, seed);
        var options = new SuperpixelOptions { Superpixels = superpixels, ColorScale = 0.05f, PositionScale = 2f, Smoothing = 0 };
        return new SuperpixelBatch(SuperpixelFeatures.LabXy(image, options), labels, 3, h, w, superpixels, grid, "regions");
    }

    /// <summary>
    /// A hard crop: a 7-pixel checkerboard of two labels with faint, noisy colour contrast, on a grid of 10-pixel cells
    /// that does not line up with it, so the untrained features reconstruct the labels poorly.
    /// </summary>
    public static SuperpixelBatch Checkerboard(int w, int h, int superpixels, SuperpixelGrid grid, int seed)
    {
        var rng = new Random(seed);
        var rgb = new byte[3 * w * h];
        var labels = new int[w * h];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var label = (x / 7 + y / 7) % 2;
            var o = 3 * (y * w + x);
            for (var c = 0; c < 3; c++) rgb[o + c] = (byte)(120 + (label == 1 ? 12 : -12) + rng.Next(-20, 21));
            labels[y * w + x] = label;
        }
        var options = new SuperpixelOptions { Superpixels = superpixels, ColorScale = 0.05f, PositionScale = 2f, Smoothing = 0 };
        return new SuperpixelBatch(SuperpixelFeatures.LabXy(new RgbImage(w, h, rgb), options), labels, 2, h, w, superpixels, grid, "checkerboard");
    }
}
