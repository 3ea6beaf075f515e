namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// Samples stacked for one training step, padded at the right and bottom to a common size that is a multiple of
/// <see cref="TrainingBatch.SizeMultiple"/>: image padding is 0 (the mean after normalisation), label padding is
/// ignore (255), mask padding is 0.
/// </summary>
/// <param name="Count">Number of samples.</param>
/// <param name="Width">Padded width.</param>
/// <param name="Height">Padded height.</param>
/// <param name="Images">Count x 3 x Height x Width normalised images.</param>
/// <param name="Labels">Count x Height x Width semantic labels.</param>
/// <param name="Instances">Per sample, its mask targets with masks padded to Height x Width.</param>
/// <param name="ValidSizes">Per sample, the width and height that hold image content.</param>
/// <param name="Ids">Per sample, its name.</param>
public sealed record TrainingBatch(int Count, int Width, int Height, float[] Images, byte[] Labels,
    IReadOnlyList<IReadOnlyList<TrainingInstance>> Instances, IReadOnlyList<(int Width, int Height)> ValidSizes, IReadOnlyList<string> Ids)
{
    /// <summary>Padded sizes are multiples of this (the model's largest stride).</summary>
    public const int SizeMultiple = 32;

    /// <summary>Stacks <paramref name="samples"/> (at least one) into a padded batch.</summary>
    public static TrainingBatch Collate(IReadOnlyList<AugmentedSample> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("A batch needs at least one sample.", nameof(samples));
        var width = RoundUp(samples.Max(s => s.Width));
        var height = RoundUp(samples.Max(s => s.Height));
        var plane = width * height;
        var images = new float[samples.Count * 3 * plane];
        var labels = new byte[samples.Count * plane];
        Array.Fill(labels, TrainingDataset.IgnoreLabel);
        var instances = new List<IReadOnlyList<TrainingInstance>>();
        for (var n = 0; n < samples.Count; n++)
        {
            var s = samples[n];
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < s.Height; y++)
                    Array.Copy(s.Image, (c * s.Height + y) * s.Width, images, ((n * 3 + c) * height + y) * width, s.Width);
            for (var y = 0; y < s.Height; y++)
                Array.Copy(s.Labels, y * s.Width, labels, (n * height + y) * width, s.Width);
            instances.Add(s.Instances.Select(i => i with { Mask = Pad(i.Mask, s.Width, s.Height, width, height) }).ToList());
        }
        return new TrainingBatch(samples.Count, width, height, images, labels, instances,
            samples.Select(s => (s.ValidWidth, s.ValidHeight)).ToList(), samples.Select(s => s.Id).ToList());
    }

    private static int RoundUp(int size) => (size + SizeMultiple - 1) / SizeMultiple * SizeMultiple;

    private static byte[] Pad(byte[] mask, int width, int height, int paddedWidth, int paddedHeight)
    {
        if (width == paddedWidth && height == paddedHeight) return mask;
        var padded = new byte[paddedWidth * paddedHeight];
        for (var y = 0; y < height; y++) Array.Copy(mask, y * width, padded, y * paddedWidth, width);
        return padded;
    }
}
