namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// Produces training batches: samples in <see cref="TrainingDataOrder"/> order, each augmented with a seed fixed by
/// its place in the order (so results do not depend on threads or on where a run was resumed), then collated.
/// </summary>
public sealed class TrainingDataLoader
{
    private readonly TrainingDataset _dataset;
    private readonly TrainingAugmentation _augmentation;
    private readonly TrainingDataOrder _order;

    /// <summary>Creates a loader starting at <paramref name="start"/> (a fresh cursor, or one saved from <see cref="Cursor"/>).</summary>
    public TrainingDataLoader(TrainingDataset dataset, TrainingAugmentation augmentation, int batchSize, TrainingDataCursor start, bool shuffle = true)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        _dataset = dataset;
        _augmentation = augmentation;
        _order = new TrainingDataOrder(dataset.Count, start.Seed, shuffle);
        BatchSize = batchSize;
        Cursor = start;
    }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>The position after the last batch returned; save it to resume.</summary>
    public TrainingDataCursor Cursor { get; private set; }

    /// <summary>Loads, augments (in parallel) and collates the next batch, then advances <see cref="Cursor"/>.</summary>
    /// <exception cref="DataFileException">A sample's files are broken (run <see cref="TrainingDataset.Validate"/> first).</exception>
    public TrainingBatch NextBatch()
    {
        var (items, next) = _order.Take(Cursor, BatchSize);
        var samples = new AugmentedSample[items.Count];
        Parallel.For(0, items.Count, k =>
            samples[k] = _augmentation.Apply(_dataset.Load(items[k].Sample), new TrainingRandom(items[k].AugmentationSeed)));
        Cursor = next;
        return TrainingBatch.Collate(samples);
    }
}
