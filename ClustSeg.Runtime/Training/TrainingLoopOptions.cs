namespace ClustSeg.Runtime.Training;

/// <summary>How <see cref="TrainingLoop{TBatch}"/> runs and where it writes.</summary>
public sealed record TrainingLoopOptions
{
    /// <summary>The learning rate over the run; its <see cref="LearningRateSchedule.TotalSteps"/> is the run's length.</summary>
    public required LearningRateSchedule Schedule { get; init; }

    /// <summary>The run folder: <c>checkpoint.safetensors</c>, <c>train.jsonl</c> and <c>model.safetensors</c> go here.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>Write a training checkpoint every this many steps (and always at the end or on interruption).</summary>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Images per step, for the images-per-second figure.</summary>
    public int ImagesPerStep { get; init; } = 1;

    /// <summary>The run's settings recorded in every checkpoint (see <see cref="TrainingState.Settings"/>).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The training checkpoint (model, optimizer, state), rewritten every <see cref="CheckpointEvery"/> steps.</summary>
    public string CheckpointPath => Path.Combine(RunDirectory, "checkpoint.safetensors");

    /// <summary>The final model without optimizer state, written when the run completes.</summary>
    public string ModelPath => Path.Combine(RunDirectory, "model.safetensors");

    /// <summary>The JSONL log, one line per step.</summary>
    public string LogPath => Path.Combine(RunDirectory, "train.jsonl");

    /// <summary>Checks the values, naming the bad one.</summary>
    public void Validate()
    {
        Schedule.Validate();
        if (CheckpointEvery < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, "Checkpoint at least every step count of 1 or more.");
        if (ImagesPerStep < 1) throw new ArgumentOutOfRangeException(nameof(ImagesPerStep), ImagesPerStep, "A step trains on at least one image.");
        if (string.IsNullOrWhiteSpace(RunDirectory)) throw new ArgumentException("The run folder is not set.", nameof(RunDirectory));
    }
}
