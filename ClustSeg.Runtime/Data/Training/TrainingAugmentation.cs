namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// A sample after augmentation: the image normalised with ImageNet statistics (channel-major), labels and masks
/// resampled the same way. Outside <see cref="ValidWidth"/> x <see cref="ValidHeight"/> (a crop larger than the
/// scaled image) the image is 0 and the labels are ignore.
/// </summary>
/// <param name="Id">The sample's name.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Image">3 x Height x Width, (value / 255 - mean) / std per channel.</param>
/// <param name="Labels">Height x Width semantic labels (255 = ignore).</param>
/// <param name="Instances">Mask targets still visible after the crop, masks Height x Width.</param>
/// <param name="ValidWidth">Width of the region that holds image content (from the left).</param>
/// <param name="ValidHeight">Height of the region that holds image content (from the top).</param>
/// <param name="Scale">The scale factor drawn.</param>
/// <param name="Flipped">Whether the sample was mirrored left-right.</param>
/// <param name="OffsetX">Left edge of the crop in the scaled (and flipped) image.</param>
/// <param name="OffsetY">Top edge of the crop in the scaled image.</param>
public sealed record AugmentedSample(string Id, int Width, int Height, float[] Image, byte[] Labels, IReadOnlyList<TrainingInstance> Instances,
    int ValidWidth, int ValidHeight, double Scale, bool Flipped, int OffsetX, int OffsetY);

/// <summary>
/// Training augmentation: random scale in [<see cref="MinScale"/>, <see cref="MaxScale"/>] (bilinear for the image,
/// nearest for labels and masks), a random crop of <see cref="CropWidth"/> x <see cref="CropHeight"/> (padded at the
/// right and bottom when the scaled image is smaller), and a horizontal flip with probability 1/2. The draws come
/// from the <see cref="TrainingRandom"/> passed in, in a fixed order, so a seed fixes the result.
/// </summary>
public sealed record TrainingAugmentation
{
    /// <summary>ImageNet channel means (R, G, B) on the [0, 1] scale.</summary>
    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet channel standard deviations (R, G, B) on the [0, 1] scale.</summary>
    public static readonly float[] StandardDeviation = [0.229f, 0.224f, 0.225f];

    /// <summary>No change: scale 1, no crop, no flip (evaluation).</summary>
    public static TrainingAugmentation None { get; } = new() { MinScale = 1, MaxScale = 1, Flip = false };

    /// <summary>Smallest scale factor.</summary>
    public double MinScale { get; init; } = 0.5;

    /// <summary>Largest scale factor.</summary>
    public double MaxScale { get; init; } = 2.0;

    /// <summary>Crop width; 0 keeps the scaled width.</summary>
    public int CropWidth { get; init; }

    /// <summary>Crop height; 0 keeps the scaled height.</summary>
    public int CropHeight { get; init; }

    /// <summary>Whether to mirror half of the samples.</summary>
    public bool Flip { get; init; } = true;

    /// <summary>Augments <paramref name="sample"/> with draws from <paramref name="random"/>.</summary>
    public AugmentedSample Apply(TrainingSample sample, TrainingRandom random)
    {
        if (MinScale <= 0 || MaxScale < MinScale) throw new InvalidOperationException($"Scale range [{MinScale}, {MaxScale}] is not valid.");
        int sourceWidth = sample.Image.Width, sourceHeight = sample.Image.Height;
        var scale = MinScale == MaxScale ? MinScale : random.NextDouble(MinScale, MaxScale);
        var flipped = Flip && random.Chance(0.5);
        var scaledWidth = Math.Max(1, (int)Math.Round(sourceWidth * scale));
        var scaledHeight = Math.Max(1, (int)Math.Round(sourceHeight * scale));
        var width = CropWidth > 0 ? CropWidth : scaledWidth;
        var height = CropHeight > 0 ? CropHeight : scaledHeight;
        var offsetX = random.NextInt(Math.Max(0, scaledWidth - width) + 1);
        var offsetY = random.NextInt(Math.Max(0, scaledHeight - height) + 1);
        var validWidth = Math.Min(width, scaledWidth - offsetX);
        var validHeight = Math.Min(height, scaledHeight - offsetY);

        // Source position of each output column/row (pixel centres, as align_corners=False resizing does).
        double stepX = (double)sourceWidth / scaledWidth, stepY = (double)sourceHeight / scaledHeight;
        var nearestX = new int[validWidth];
        var sourceX = new double[validWidth];
        for (var x = 0; x < validWidth; x++)
        {
            var scaledX = offsetX + x;
            if (flipped) scaledX = scaledWidth - 1 - scaledX;
            sourceX[x] = (scaledX + 0.5) * stepX - 0.5;
            nearestX[x] = Math.Min(sourceWidth - 1, (int)((scaledX + 0.5) * stepX));
        }
        var nearestY = new int[validHeight];
        var sourceY = new double[validHeight];
        for (var y = 0; y < validHeight; y++)
        {
            sourceY[y] = (offsetY + y + 0.5) * stepY - 0.5;
            nearestY[y] = Math.Min(sourceHeight - 1, (int)((offsetY + y + 0.5) * stepY));
        }

        var image = new float[3 * width * height];
        ResampleImage(sample.Image.Pixels, sourceWidth, sourceHeight, sourceX, sourceY, image, width, height);
        var labels = new byte[width * height];
        Array.Fill(labels, TrainingDataset.IgnoreLabel);
        ResampleNearest(sample.Labels, sourceWidth, nearestX, nearestY, labels, width);
        var instances = new List<TrainingInstance>();
        foreach (var instance in sample.Instances)
        {
            var mask = new byte[width * height];
            if (ResampleNearest(instance.Mask, sourceWidth, nearestX, nearestY, mask, width) > 0)
                instances.Add(instance with { Mask = mask });
        }
        return new AugmentedSample(sample.Id, width, height, image, labels, instances, validWidth, validHeight, scale, flipped, offsetX, offsetY);
    }

    private static void ResampleImage(byte[] rgb, int sourceWidth, int sourceHeight, double[] sourceX, double[] sourceY, float[] output, int width, int height)
    {
        var plane = width * height;
        for (var y = 0; y < sourceY.Length; y++)
        {
            var fy = Math.Clamp(sourceY[y], 0, sourceHeight - 1);
            var y0 = (int)fy;
            var y1 = Math.Min(y0 + 1, sourceHeight - 1);
            var ty = fy - y0;
            for (var x = 0; x < sourceX.Length; x++)
            {
                var fx = Math.Clamp(sourceX[x], 0, sourceWidth - 1);
                var x0 = (int)fx;
                var x1 = Math.Min(x0 + 1, sourceWidth - 1);
                var tx = fx - x0;
                for (var c = 0; c < 3; c++)
                {
                    double top = rgb[(y0 * sourceWidth + x0) * 3 + c] * (1 - tx) + rgb[(y0 * sourceWidth + x1) * 3 + c] * tx;
                    double bottom = rgb[(y1 * sourceWidth + x0) * 3 + c] * (1 - tx) + rgb[(y1 * sourceWidth + x1) * 3 + c] * tx;
                    var value = (top * (1 - ty) + bottom * ty) / 255.0;
                    output[c * plane + y * width + x] = (float)((value - Mean[c]) / StandardDeviation[c]);
                }
            }
        }
    }

    /// <summary>Copies nearest source values into the valid region of <paramref name="output"/>; returns how many are nonzero.</summary>
    private static int ResampleNearest(byte[] source, int sourceWidth, int[] nearestX, int[] nearestY, byte[] output, int width)
    {
        var nonzero = 0;
        for (var y = 0; y < nearestY.Length; y++)
        {
            var row = nearestY[y] * sourceWidth;
            for (var x = 0; x < nearestX.Length; x++)
            {
                var v = source[row + nearestX[x]];
                output[y * width + x] = v;
                if (v != 0) nonzero++;
            }
        }
        return nonzero;
    }
}
