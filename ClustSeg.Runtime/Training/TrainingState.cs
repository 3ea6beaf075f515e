using System.Text.Json;
using System.Text.Json.Serialization;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Errors;

namespace ClustSeg.Runtime.Training;

/// <summary>
/// Where a training run stands, saved in every training checkpoint's metadata under <see cref="MetadataKey"/>:
/// optimizer steps done, the data position, the wall time so far, and the settings the run was started with (so a
/// resumed run can refuse a changed recipe).
/// </summary>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="Cursor">The data position after the last step.</param>
/// <param name="ElapsedSeconds">Training wall time summed over every run of this training.</param>
/// <param name="Settings">The run's settings by name, as text (task, data, batch size, learning rate, ...).</param>
public sealed record TrainingState(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("cursor")] TrainingDataCursor Cursor,
    [property: JsonPropertyName("elapsed_seconds")] double ElapsedSeconds,
    [property: JsonPropertyName("settings")] IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>The metadata key of a training checkpoint that holds this state as JSON.</summary>
    public const string MetadataKey = "training_state";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The state as JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads the state from a checkpoint's metadata.</summary>
    /// <exception cref="ClustSegException">The checkpoint is a model checkpoint without training state, or the state is unreadable.</exception>
    public static TrainingState FromMetadata(IReadOnlyDictionary<string, string> metadata, string path)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(MetadataKey, out var text))
        {
            throw new ClustSegException($"'{path}' is a model checkpoint without training state (step, optimizer, data position), so there is nothing to resume.",
                "Resume from RUN/checkpoint.safetensors written by `clustseg-cli train`, or start a new run from these weights with --init FILE.");
        }
        try
        {
            return JsonSerializer.Deserialize<TrainingState>(text, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new ClustSegException($"The training state in '{path}' is not readable: {e.Message}", "The file is damaged; resume from an earlier checkpoint or start again.", e);
        }
    }

    /// <summary>
    /// The settings whose change would make a resumed run a different training (all but those in
    /// <paramref name="changeable"/>), as "name: saved -> now" lines; empty when the recipes agree. A setting the saved
    /// state does not have is not a difference: the build that started the run had no such setting and ran what is
    /// now its default.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(IReadOnlyDictionary<string, string> now, IReadOnlySet<string> changeable)
    {
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(changeable);
        var names = Settings.Keys.Where(n => !changeable.Contains(n)).Order(StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var name in names)
        {
            var saved = Settings.TryGetValue(name, out var s) ? s : "(not set)";
            var current = now.TryGetValue(name, out var c) ? c : "(not set)";
            if (!string.Equals(saved, current, StringComparison.Ordinal)) differences.Add($"{name}: {saved} -> {current}");
        }
        return differences;
    }
}
