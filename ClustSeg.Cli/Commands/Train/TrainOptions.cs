using System.Globalization;

namespace ClustSeg.Cli.Commands.Train;

/// <summary>The settings of one `clustseg-cli train` run, after parsing and defaults.</summary>
internal sealed record TrainOptions
{
    public required string Task { get; init; }
    public required string Data { get; init; }
    public required string RunDirectory { get; init; }
    public string Model { get; init; } = "clustseg-tiny";
    public int Steps { get; init; }
    public int BatchSize { get; init; }
    public int CropSize { get; init; }
    public float? Compactness { get; init; }
    public float? CompactnessLossWeight { get; init; }
    public double MinScale { get; init; } = 0.5;
    public double MaxScale { get; init; } = 2.0;
    public bool Flip { get; init; } = true;
    public double? CopyPaste { get; init; }
    public double? WeightAverageDecay { get; init; }
    public double LearningRate { get; init; }
    public int WarmupSteps { get; init; }
    public double WeightDecay { get; init; } = 0.05;
    public float ClipNorm { get; init; } = 1f;
    public int CheckpointEvery { get; init; } = 100;
    public int Seed { get; init; }
    public bool Resume { get; init; }
    public string? InitFrom { get; init; }

    // Validation does not change the weights, so it is not part of the recorded recipe and may change on --resume.
    public int? EvalEvery { get; init; }
    public string? EvalData { get; init; }
    public string EvalSplit { get; init; } = "val";
    public double[] EvalInputScales { get; init; } = [1];

    /// <summary>What a checkpoint records to tell whether a resumed run is the same training.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["task"] = Task,
        ["data"] = Data,
        ["model"] = Model,
        ["steps"] = Steps.ToString(CultureInfo.InvariantCulture),
        ["batch"] = BatchSize.ToString(CultureInfo.InvariantCulture),
        ["crop"] = CropSize.ToString(CultureInfo.InvariantCulture),
        ["scale"] = string.Create(CultureInfo.InvariantCulture, $"{MinScale:R},{MaxScale:R}"),
        ["flip"] = Flip ? "yes" : "no",
        // Runs from before copy-paste existed lack the key, which a resume takes as "off".
        ["copy_paste"] = CopyPaste?.ToString("R", CultureInfo.InvariantCulture) ?? "off",
        // Runs from before the weight average existed lack the key; resuming one with --ema stops on the missing average.
        ["ema"] = WeightAverageDecay?.ToString("R", CultureInfo.InvariantCulture) ?? "off",
        ["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["warmup"] = WarmupSteps.ToString(CultureInfo.InvariantCulture),
        ["weight_decay"] = WeightDecay.ToString("R", CultureInfo.InvariantCulture),
        ["clip"] = ClipNorm.ToString("R", CultureInfo.InvariantCulture),
        ["checkpoint_every"] = CheckpointEvery.ToString(CultureInfo.InvariantCulture),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["init"] = InitFrom ?? "",
        // Recorded even when not given, so that adding one on --resume is caught; runs from before these settings
        // existed lack the keys, which a resume takes as their defaults.
        ["compactness"] = Compactness?.ToString("R", CultureInfo.InvariantCulture) ?? "default",
        ["compactness_loss_weight"] = CompactnessLossWeight?.ToString("R", CultureInfo.InvariantCulture) ?? "default",
    };
}
