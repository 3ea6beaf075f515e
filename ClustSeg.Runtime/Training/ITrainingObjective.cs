using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Training;

/// <summary>
/// One training problem: a model and its loss. the training loop owns everything around it (the
/// optimizer, the learning-rate schedule, clipping, checkpoints, logging, resuming), so a task only says how a batch
/// becomes gradients.
/// </summary>
/// <typeparam name="TBatch">What one step consumes.</typeparam>
public interface ITrainingObjective<in TBatch>
{
    /// <summary>The module tree whose parameters are trained; allocated and initialised or loaded before the loop starts.</summary>
    Module Model { get; }

    /// <summary>Checkpoint metadata that makes a saved model loadable on its own (model, task, classes, spec hash).</summary>
    IReadOnlyDictionary<string, string> CheckpointMetadata { get; }

    /// <summary>
    /// Records the forward pass, the loss and the backward pass of one batch, adding parameter gradients to
    /// <see cref="Parameter.Grad"/> (already zeroed on <paramref name="recorder"/>). Scratch memory was reset before
    /// the call. When the loss needs values on the host (Hungarian matching reads a cost matrix), the objective may
    /// submit <paramref name="recorder"/> and go on with new recorders from <see cref="GpuDevice.BeginRecording"/>,
    /// disposing those it finished with. It returns the recorder still open, onto which the loop records the optimizer
    /// update before one final submit, and the loss terms to report.
    /// </summary>
    TrainingStepRecording RecordStep(GpuDevice device, CommandRecorder recorder, TBatch batch);
}

/// <summary>What <see cref="ITrainingObjective{TBatch}.RecordStep"/> leaves for the loop.</summary>
/// <param name="Recorder">The open recorder holding the end of the step; the loop appends the update, submits and disposes it.</param>
/// <param name="Losses">Loss terms: each a one-element tensor read after the submit; the reported total is the sum of weight x value.</param>
public sealed record TrainingStepRecording(CommandRecorder Recorder, IReadOnlyList<LossTerm> Losses);

/// <summary>One reported loss term.</summary>
/// <param name="Name">Name in the log and on the progress bar (e.g. <c>mask_bce</c>).</param>
/// <param name="Value">A one-element float tensor holding the unweighted value once the step has run.</param>
/// <param name="Weight">The weight the term enters the total with (its gradient was seeded with this weight).</param>
public sealed record LossTerm(string Name, Tensor Value, float Weight);
