namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// Copy-paste augmentation (Ghiasi et al., "Simple Copy-Paste is a Strong Data Augmentation Method for Instance
/// Segmentation", CVPR 2021): thing instances of a second augmented sample (the donor) are pasted onto the sample at
/// the same place, so each step sees more things, in new contexts and with new occlusions. Each non-crowd thing of the
/// donor is taken with probability 1/2. Pasted pixels take the donor's colour and class; the sample's own masks lose
/// those pixels, and instances left with none are dropped. Nothing is pasted into the padding outside the sample's
/// valid region. Both samples already went through <see cref="TrainingAugmentation"/>, so the scale jitter and the
/// crop of each decide where and how large the pasted things are.
/// </summary>
public sealed record CopyPasteAugmentation
{
    /// <summary>Chance that a sample receives a donor's things at all.</summary>
    public double Probability { get; init; } = 0.5;

    /// <summary>Whether <paramref name="probability"/> is a chance in (0, 1].</summary>
    public static bool IsValidProbability(double probability) => probability is > 0 and <= 1;

    /// <summary>
    /// Pastes a random subset of <paramref name="donor"/>'s thing instances onto <paramref name="sample"/>; returns
    /// <paramref name="sample"/> itself when none was drawn.
    /// </summary>
    /// <param name="sample">The sample to paste onto.</param>
    /// <param name="donor">The sample the things come from, augmented on its own.</param>
    /// <param name="classes">The dataset's classes, to tell things from stuff.</param>
    /// <param name="random">Draws which donor things are taken.</param>
    public AugmentedSample Apply(AugmentedSample sample, AugmentedSample donor, IReadOnlyList<TrainingClass> classes, TrainingRandom random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(donor);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(random);
        var chosen = donor.Instances.Where(i => !i.IsCrowd && classes[i.ClassId].IsThing).Where(_ => random.Chance(0.5)).ToList();
        if (chosen.Count == 0) return sample;

        // Where the donor's things land: inside both samples' sizes and the sample's valid region.
        var width = Math.Min(sample.ValidWidth, donor.Width);
        var height = Math.Min(sample.ValidHeight, donor.Height);
        var pasted = new List<TrainingInstance>();
        var covered = new bool[sample.Width * sample.Height];
        var image = (float[])sample.Image.Clone();
        var labels = (byte[])sample.Labels.Clone();
        var samplePlane = sample.Width * sample.Height;
        var donorPlane = donor.Width * donor.Height;
        foreach (var instance in chosen)
        {
            var mask = new byte[samplePlane];
            var pixels = 0;
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    if (instance.Mask[y * donor.Width + x] == 0) continue;
                    var at = y * sample.Width + x;
                    mask[at] = 1;
                    covered[at] = true;
                    labels[at] = (byte)instance.ClassId;
                    for (var c = 0; c < 3; c++) image[c * samplePlane + at] = donor.Image[c * donorPlane + y * donor.Width + x];
                    pixels++;
                }
            if (pixels > 0) pasted.Add(instance with { Mask = mask });
        }
        if (pasted.Count == 0) return sample;

        var kept = new List<TrainingInstance>();
        foreach (var instance in sample.Instances)
        {
            var mask = (byte[])instance.Mask.Clone();
            var left = 0;
            for (var i = 0; i < mask.Length; i++)
            {
                if (covered[i]) mask[i] = 0;
                else if (mask[i] != 0) left++;
            }
            if (left > 0) kept.Add(instance with { Mask = mask });
        }
        kept.AddRange(pasted);
        return sample with { Image = image, Labels = labels, Instances = kept };
    }
}
