using ClustSeg.Runtime.Training;

namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// Produces training batches: samples in <see cref="TrainingDataOrder"/> order, each augmented with a seed fixed by
/// its place in the order (so results do not depend on threads, prefetching or where a run was resumed), then
/// collated. With prefetching on, the next batch is prepared on the thread pool while the caller trains on the
/// current one. With <see cref="CopyPasteAugmentation"/>, a sample's donor and the draws of the paste also come from
/// its place in the order.
/// </summary>
public sealed class TrainingDataLoader : ITrainingBatchSource<TrainingBatch>
{
    // Seeds the copy-paste draws apart from the sample's own augmentation.
    private const long CopyPasteStream = 0x43505354;
    private readonly TrainingDataset _dataset;
    private readonly TrainingAugmentation _augmentation;
    private readonly TrainingDataOrder _order;
    private readonly bool _prefetch;
    private readonly CopyPasteAugmentation? _copyPaste;
    private Task<(TrainingBatch Batch, TrainingDataCursor Next)>? _pending;

    /// <summary>Creates a loader starting at <paramref name="start"/> (a fresh cursor, or one saved from <see cref="Cursor"/>).</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="augmentation">Applied to every sample.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="start">Seed and position to start from.</param>
    /// <param name="shuffle">Shuffle each epoch (false: file order, e.g. for evaluation).</param>
    /// <param name="prefetch">Prepare the next batch in the background.</param>
    /// <param name="copyPaste">Paste things from other samples onto some samples (null: never).</param>
    public TrainingDataLoader(TrainingDataset dataset, TrainingAugmentation augmentation, int batchSize, TrainingDataCursor start,
        bool shuffle = true, bool prefetch = false, CopyPasteAugmentation? copyPaste = null)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        _dataset = dataset;
        _augmentation = augmentation;
        _order = new TrainingDataOrder(dataset.Count, start.Seed, shuffle);
        _prefetch = prefetch;
        _copyPaste = copyPaste;
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
        Parallel.For(0, items.Count, k => samples[k] = Augment(items[k].Sample, items[k].AugmentationSeed));
        return (TrainingBatch.Collate(samples), next);
    }

    private AugmentedSample Augment(int index, ulong seed)
    {
        var sample = _augmentation.Apply(_dataset.Load(index), new TrainingRandom(seed));
        if (_copyPaste is null || _dataset.Count < 2) return sample;
        // A stream of its own, so that turning copy-paste on leaves the sample's own augmentation as it was.
        var random = TrainingRandom.Derive(seed, CopyPasteStream);
        if (!random.Chance(_copyPaste.Probability)) return sample;
        var donorIndex = random.NextInt(_dataset.Count - 1);
        if (donorIndex >= index) donorIndex++;
        var donor = _augmentation.Apply(_dataset.Load(donorIndex), new TrainingRandom(random.NextUInt64()));
        return _copyPaste.Apply(sample, donor, _dataset.Classes, random);
    }
}
