using System.Text.Json.Serialization;

namespace ClustSeg.Runtime.Training;

/// <summary>
/// One line of a training run's JSONL log (<c>train.jsonl</c>), written after every logged step. Property names in the
/// file are snake_case: <c>{"step":120,"epoch":0.6,"lr":9.2e-05,"loss":1.83,"losses":{"mask_bce":0.21,...},
/// "grad_norm":3.1,"images_per_second":2.4,"elapsed_seconds":61.2,"time":"2026-11-27T11:02:03Z"}</c>.
/// </summary>
/// <param name="Step">Optimizer steps done, counting from 1.</param>
/// <param name="Epoch">Epochs done, fractional (samples seen / samples per epoch).</param>
/// <param name="LearningRate">The learning rate this step used.</param>
/// <param name="Loss">The total loss: sum of weight x term.</param>
/// <param name="Losses">Each unweighted loss term by name.</param>
/// <param name="GradientNorm">Global gradient norm before clipping.</param>
/// <param name="ImagesPerSecond">Training throughput over the recent steps.</param>
/// <param name="ElapsedSeconds">Training wall time so far, summed over resumed runs.</param>
/// <param name="Time">When the step finished (UTC).</param>
public sealed record TrainingLogRecord(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("epoch")] double Epoch,
    [property: JsonPropertyName("lr")] double LearningRate,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("losses")] IReadOnlyDictionary<string, double> Losses,
    [property: JsonPropertyName("grad_norm")] double GradientNorm,
    [property: JsonPropertyName("images_per_second")] double ImagesPerSecond,
    [property: JsonPropertyName("elapsed_seconds")] double ElapsedSeconds,
    [property: JsonPropertyName("time")] DateTimeOffset Time);
