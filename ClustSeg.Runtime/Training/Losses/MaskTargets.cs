using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Models;

namespace ClustSeg.Runtime.Training.Losses;

/// <summary>One mask target at the mask logits' resolution (1/4 of the padded input).</summary>
/// <param name="ClassId">Its class.</param>
/// <param name="Mask">Fraction of each 4x4 cell that the target covers, row-major [H/4, W/4].</param>
/// <param name="FixedCentre">The centre it is tied to (semantic classes, panoptic stuff), or -1 when it is matched.</param>
internal sealed record MaskTarget(int ClassId, float[] Mask, int FixedCentre);

/// <summary>
/// The host side of a batch's targets for the mask losses: per image, the targets that enter losses (crowd regions
/// dropped), the semantic labels at full and at 1/4 resolution. Built once per step from a <see cref="TrainingBatch"/>.
/// </summary>
internal sealed class MaskTargets
{
    /// <summary>The mask logits' stride relative to the padded input (clustseg.md: mask logits at 1/4).</summary>
    public const int MaskStride = 4;

    private MaskTargets(int batch, int height, int width, int[] labels, int[] labels4, IReadOnlyList<MaskTarget>[] images)
    {
        Batch = batch;
        Height = height;
        Width = width;
        Labels = labels;
        Labels4 = labels4;
        Images = images;
    }

    public int Batch { get; }
    public int Height { get; }
    public int Width { get; }
    public int Height4 => Height / MaskStride;
    public int Width4 => Width / MaskStride;
    public int Pixels4 => Height4 * Width4;

    /// <summary>Semantic labels [B, H, W] (255 = ignore), for the memory bank.</summary>
    public int[] Labels { get; }

    /// <summary>Semantic labels [B, H/4, W/4]: the top-left pixel of each 4x4 cell (the bank's rule at stride 4).</summary>
    public int[] Labels4 { get; }

    /// <summary>Per image, the targets that enter matching and losses.</summary>
    public IReadOnlyList<MaskTarget>[] Images { get; }

    /// <summary>Builds the targets of <paramref name="batch"/> for <paramref name="model"/>'s task.</summary>
    public static MaskTargets Build(TrainingBatch batch, ClustSegModel model)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (b, h, w) = (batch.Count, batch.Height, batch.Width);
        if (h % MaskStride != 0 || w % MaskStride != 0)
        {
            throw new ArgumentException($"The batch is {w}x{h}; mask targets need sides that are multiples of {MaskStride} (TrainingBatch pads to 32).", nameof(batch));
        }
        var labels = new int[b * h * w];
        for (var i = 0; i < labels.Length; i++) labels[i] = batch.Labels[i];
        var (h4, w4) = (h / MaskStride, w / MaskStride);
        var labels4 = new int[b * h4 * w4];
        for (var n = 0; n < b; n++)
            for (var y = 0; y < h4; y++)
                for (var x = 0; x < w4; x++)
                    labels4[(n * h4 + y) * w4 + x] = labels[(n * h + y * MaskStride) * w + x * MaskStride];
        var images = new IReadOnlyList<MaskTarget>[b];
        for (var n = 0; n < b; n++)
        {
            images[n] = model.Task switch
            {
                ClustSegTask.Semantic => SemanticTargets(labels.AsSpan(n * h * w, h * w), h, w, model.Classes),
                ClustSegTask.Instance => batch.Instances[n].Where(i => !i.IsCrowd && i.ClassId < model.Things)
                    .Select(i => new MaskTarget(i.ClassId, Downsample(i.Mask, h, w), -1)).ToList(),
                _ => PanopticTargets(batch.Instances[n], h, w, model),
            };
        }
        return new MaskTargets(b, h, w, labels, labels4, images);
    }

    /// <summary>The fraction of each 4x4 cell covered by a 0/1 mask: a soft target for BCE and dice at 1/4.</summary>
    public static float[] Downsample(byte[] mask, int height, int width)
    {
        var (h4, w4) = (height / MaskStride, width / MaskStride);
        var result = new float[h4 * w4];
        const float cell = MaskStride * MaskStride;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                if (mask[y * width + x] != 0) result[y / MaskStride * w4 + x / MaskStride] += 1f / cell;
        return result;
    }

    /// <summary>One target per class present in the image, tied to that class's centre; ignored pixels belong to none.</summary>
    private static List<MaskTarget> SemanticTargets(ReadOnlySpan<int> labels, int height, int width, int classes)
    {
        var masks = new byte[classes][];
        for (var i = 0; i < labels.Length; i++)
        {
            var c = labels[i];
            if (c < 0 || c >= classes) continue;
            (masks[c] ??= new byte[labels.Length])[i] = 1;
        }
        var targets = new List<MaskTarget>();
        for (var c = 0; c < classes; c++)
            if (masks[c] is not null) targets.Add(new MaskTarget(c, Downsample(masks[c], height, width), c));
        return targets;
    }

    /// <summary>Stuff regions tied to their class's centre (one target per stuff class), thing instances to be matched.</summary>
    private static List<MaskTarget> PanopticTargets(IReadOnlyList<TrainingInstance> instances, int height, int width, ClustSegModel model)
    {
        var stuff = new SortedDictionary<int, byte[]>();
        var things = new List<MaskTarget>();
        foreach (var instance in instances)
        {
            if (instance.IsCrowd || instance.ClassId < 0 || instance.ClassId >= model.Classes) continue;
            if (instance.ClassId < model.Things)
            {
                things.Add(new MaskTarget(instance.ClassId, Downsample(instance.Mask, height, width), -1));
                continue;
            }
            // A dataset normally has one region per stuff class and image; several are merged into one target.
            if (!stuff.TryGetValue(instance.ClassId, out var merged)) stuff[instance.ClassId] = merged = new byte[height * width];
            for (var i = 0; i < merged.Length; i++) merged[i] |= instance.Mask[i];
        }
        var targets = stuff.Select(s => new MaskTarget(s.Key, Downsample(s.Value, height, width), s.Key - model.Things)).ToList();
        targets.AddRange(things);
        return targets;
    }
}
