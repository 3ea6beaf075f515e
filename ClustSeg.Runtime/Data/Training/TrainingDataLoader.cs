using ClustSeg.Runtime.Training;

namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// Produces training batches: samples in <see cref="TrainingDataOrder"/> order, each augmented with a seed fixed by
/// its place in the order (so results do not depend on threads, prefetching or where a run was resumed), then
/// collated. With prefetching on, the next batch is prepared on the thread pool while the caller trains on the
/// current one.
/// </summary>
public sealed class TrainingDataLoader : ITrainingBatchSource<TrainingBatch>
{
    private readonly TrainingDataset _dataset;
    private readonly TrainingAugmentation _augmentation;
    private readonly TrainingDataOrder _order;
    private readonly bool _prefetch;
    private Task<(TrainingBatch Batch, TrainingDataCursor Next)>? _pending;

    /// <summary>Creates a loader starting at <paramref name="start"/> (a fresh cursor, or one saved from <see cref="Cursor"/>).</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="augmentation">Applied to every sample.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="start">Seed and position to start from.</param>
    /// <param name="shuffle">Shuffle each epoch (false: file order, e.g. for evaluation).</param>
    /// <param name="prefetch">Prepare the next batch in the background.</param>
    public TrainingDataLoader(TrainingDataset dataset, TrainingAugmentation augmentation, int batchSize, TrainingDataCursor start,
        bool shuffle = true, bool prefetch = false)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        _dataset = dataset;
        _augmentation = augmentation;
        _order = new TrainingDataOrder(dataset.Count, start.Seed, shuffle);
        _prefetch = prefetch;
        BatchSize = batchSize;
        Cursor = start;
    }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>The position after the last batch returned; save it to resume.</summary>
    public TrainingDataCursor Cursor { get; private set; }

    /// <inheritdoc />
    public int SamplesPerEpoch => _dataset.Count;

    /// <inheritdoc />
    public TrainingBatch Next() => NextBatch();

    /// <summary>Loads, augments (in parallel) and collates the next batch, then advances <see cref="Cursor"/>.</summary>
    /// <exception cref="DataFileException">A sample's files are broken (run <see cref="TrainingDataset.Validate"/> first).</exception>
    public TrainingBatch NextBatch()
    {
        var (batch, next) = _pending is { } pending ? pending.GetAwaiter().GetResult() : Build(Cursor);
        _pending = null;
        Cursor = next;
        if (_prefetch) _pending = Task.Run(() => Build(next));
        return batch;
    }

    private (TrainingBatch, TrainingDataCursor) Build(TrainingDataCursor from)
    {
        var (items, next) = _order.Take(from, BatchSize);
        var samples = new AugmentedSample[items.Count];
        Parallel.For(0, items.Count, k =>
            samples[k] = _augmentation.Apply(_dataset.Load(items[k].Sample), new TrainingRandom(items[k].AugmentationSeed)));
        return (TrainingBatch.Collate(samples), next);
    }
}
