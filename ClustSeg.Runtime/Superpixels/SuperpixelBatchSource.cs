using ClustSeg.Runtime.Data.Bsds;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Segmentation;
using ClustSeg.Runtime.Training;

namespace ClustSeg.Runtime.Superpixels;

/// <summary>
/// Superpixel training batches from a BSDS500 split: per step one image (in the cursor's shuffled order), a random
/// square crop, random horizontal and vertical flips, one annotator's segmentation picked at random (relabelled
/// contiguous within the crop), and a number of superpixels drawn from the configured range scaled to the crop's
/// area. Every draw comes from the cursor's (seed, epoch, position), so a source rebuilt from a saved cursor
/// continues with exactly the same batches.
/// </summary>
public sealed class SuperpixelBatchSource : ITrainingBatchSource<SuperpixelBatch>
{
    /// <summary>Pixels of a whole BSDS500 image (481 x 321), the area the superpixel range refers to.</summary>
    public const int ReferenceArea = 481 * 321;

    private readonly IReadOnlyList<Bsds500SampleInfo> _samples;
    private readonly TrainingDataOrder _order;
    private readonly SuperpixelTrainingSettings _settings;

    /// <summary>A source over <paramref name="samples"/> continuing after <paramref name="cursor"/>.</summary>
    public SuperpixelBatchSource(IReadOnlyList<Bsds500SampleInfo> samples, SuperpixelTrainingSettings settings, TrainingDataCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(cursor);
        settings.Validate();
        if (samples.Count == 0) throw new ArgumentException("No BSDS500 samples to train on.", nameof(samples));
        _samples = samples;
        _settings = settings;
        _order = new TrainingDataOrder(samples.Count, cursor.Seed);
        Cursor = cursor;
    }

    /// <summary>A source over the <paramref name="split"/> split of the BSDS500 folder at <paramref name="location"/> (<c>bsds500:PATH</c> or PATH).</summary>
    public static SuperpixelBatchSource Open(string location, string split, SuperpixelTrainingSettings settings, TrainingDataCursor cursor) =>
        new(Bsds500Dataset.Open(location).ListSamples(split), settings, cursor);

    /// <inheritdoc />
    public TrainingDataCursor Cursor { get; private set; }

    /// <inheritdoc />
    public int SamplesPerEpoch => _samples.Count;

    /// <inheritdoc />
    public SuperpixelBatch Next()
    {
        var (items, next) = _order.Take(Cursor, 1);
        var (index, augmentationSeed) = items[0];
        var batch = Make(Bsds500Dataset.Load(_samples[index]), new TrainingRandom(augmentationSeed), _settings);
        Cursor = next;
        return batch;
    }

    /// <summary>Crops, flips and labels one sample with draws from <paramref name="random"/>.</summary>
    internal static SuperpixelBatch Make(Bsds500Sample sample, TrainingRandom random, SuperpixelTrainingSettings settings)
    {
        if (sample.Segmentations.Count == 0)
            throw new InvalidDataException($"BSDS500 image '{sample.Info.ImagePath}' has no ground-truth segmentation to train on.");
        var image = sample.Image;
        int h = Math.Min(settings.CropSize, image.Height), w = Math.Min(settings.CropSize, image.Width);
        var top = random.NextInt(image.Height - h + 1);
        var left = random.NextInt(image.Width - w + 1);
        var flipX = random.Chance(0.5);
        var flipY = random.Chance(0.5);
        var truth = sample.Segmentations[random.NextInt(sample.Segmentations.Count)];
        var scale = h * (double)w / ReferenceArea;
        var lo = Math.Max(1, (int)Math.Round(settings.MinSuperpixels * scale));
        var hi = Math.Max(lo, (int)Math.Round(settings.MaxSuperpixels * scale));
        var k = random.NextInt(lo, hi + 1);

        var pixels = new byte[3 * h * w];
        var labels = new int[h * w];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            int sy = top + (flipY ? h - 1 - y : y), sx = left + (flipX ? w - 1 - x : x);
            var source = sy * image.Width + sx;
            var target = y * w + x;
            pixels[3 * target] = image.Pixels[3 * source];
            pixels[3 * target + 1] = image.Pixels[3 * source + 1];
            pixels[3 * target + 2] = image.Pixels[3 * source + 2];
            labels[target] = truth.Labels[source];
        }
        var contiguous = LabelMaps.RelabelContiguous(new LabelMap(w, h, labels), out var labelCount);
        var options = settings.Features with { Superpixels = k };
        var labXy = SuperpixelFeatures.LabXy(new RgbImage(w, h, pixels), options);
        // Cells of the size the first inference attempt gives a whole picture at the same superpixel density.
        var grid = SuperpixelGrid.For(Math.Max(1, (int)Math.Round(k / options.FragmentRatio((long)h * w, k))), h, w);
        return new SuperpixelBatch(labXy, contiguous.Labels, labelCount, h, w, k, grid, sample.Info.Id);
    }
}
