using ClustSeg.Runtime.Data.Training;

namespace ClustSeg.Runtime.Training;

/// <summary>
/// Where a training run's batches come from. The position is a <see cref="TrainingDataCursor"/>, saved with every
/// checkpoint: a source created again from the saved cursor yields exactly the batches (samples and augmentation draws)
/// that would have come next, which is what makes <c>--resume</c> exact.
/// </summary>
/// <typeparam name="TBatch">What one step consumes.</typeparam>
public interface ITrainingBatchSource<out TBatch>
{
    /// <summary>The position after the last batch returned.</summary>
    TrainingDataCursor Cursor { get; }

    /// <summary>Number of samples in one epoch (for progress and epoch counting).</summary>
    int SamplesPerEpoch { get; }

    /// <summary>The next batch; advances <see cref="Cursor"/>.</summary>
    TBatch Next();
}
