using ClustSeg.Runtime.Imaging;

namespace ClustSeg.Runtime.Models;

/// <summary>Turns pictures into a model input: ImageNet normalisation, then zero padding at the bottom and right.</summary>
public static class ModelInput
{
    /// <summary>Every input side is padded to a multiple of this (the backbone's coarsest stride).</summary>
    public const int SizeMultiple = 32;

    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>The padded size of a side: the next multiple of 32 (at least 32).</summary>
    public static int PaddedSize(int size) => Math.Max(1, (size + SizeMultiple - 1) / SizeMultiple) * SizeMultiple;

    /// <summary>
    /// A batch [B, 3, Hp, Wp] (NCHW, float32) from pictures of any sizes: each is normalised with ImageNet's mean and
    /// standard deviation and placed at the top left; Hp and Wp are the largest padded height and width, and the
    /// padding is 0 (after normalisation, as clustseg.md fixes).
    /// </summary>
    public static (float[] Data, int Height, int Width) Batch(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("A batch needs at least one picture.", nameof(images));
        var height = images.Max(i => PaddedSize(i.Height));
        var width = images.Max(i => PaddedSize(i.Width));
        var plane = height * width;
        var data = new float[images.Count * 3 * plane];
        for (var b = 0; b < images.Count; b++)
        {
            var image = images[b];
            for (var y = 0; y < image.Height; y++)
            {
                for (var x = 0; x < image.Width; x++)
                {
                    var source = (y * image.Width + x) * 3;
                    for (var c = 0; c < 3; c++)
                        data[(b * 3 + c) * plane + y * width + x] = (image.Pixels[source + c] / 255f - Mean[c]) / Std[c];
                }
            }
        }
        return (data, height, width);
    }
}
