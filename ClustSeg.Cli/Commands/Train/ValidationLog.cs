using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClustSeg.Cli.Output.Plots;
using ClustSeg.Runtime.Data;

namespace ClustSeg.Cli.Commands.Train;

/// <summary>One validation of a training run: a line of <c>eval.jsonl</c>.</summary>
/// <param name="Step">The step whose model was scored.</param>
/// <param name="Data">The validation set, as FORMAT:PATH@SPLIT.</param>
/// <param name="InputScale">The test-time scale(s), as `--eval-input-scale` takes them.</param>
/// <param name="Images">Images scored.</param>
/// <param name="Metric">The headline metric's name (PQ, AP or mIoU).</param>
/// <param name="Value">The headline metric, as a fraction (0.8 is 80 PQ).</param>
/// <param name="Scores">Every metric of the task's report, as fractions; NaN (a class absent from the set) is left out.</param>
/// <param name="Best">Whether this step scored best so far (its model became best.safetensors).</param>
/// <param name="Seconds">Wall time of the validation.</param>
/// <param name="Time">When it finished.</param>
internal sealed record ValidationRecord(int Step, string Data, string InputScale, int Images, string Metric, double Value, IReadOnlyDictionary<string, double> Scores,
    bool Best, double Seconds, DateTimeOffset Time);

/// <summary>
/// <c>RUN/eval.jsonl</c>: one <see cref="ValidationRecord"/> per line, flushed at once. On resume, lines for steps after
/// the checkpoint are dropped (their validations belong to steps the resumed run trains again), as train.jsonl does.
/// </summary>
internal static class ValidationLog
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The records of <paramref name="path"/> (none when it does not exist); a last line cut short by a killed run is skipped.</summary>
    /// <exception cref="DataFileException">A line that is not a record, other than a cut-short last one.</exception>
    public static List<ValidationRecord> Read(string path) => !File.Exists(path)
        ? []
        : JsonLinesFile.Read(path,
            line => JsonSerializer.Deserialize<ValidationRecord>(line, Options) ?? throw new JsonException("the line is JSON null."),
            (lineNumber, problem) => $"line {lineNumber} is not a validation record ({problem}). Move the file aside to start its log afresh.");

    /// <summary>The validations logged beside <paramref name="trainingLog"/> (RUN/eval.jsonl), for the loss plot; null when the run has none.</summary>
    public static ValidationCurve? CurveBeside(string trainingLog)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(trainingLog)) ?? ".", TrainingValidation.LogFileName);
        var records = Read(path);
        return records.Count == 0 ? null : new ValidationCurve(records[^1].Metric, records.OrderBy(r => r.Step).Select(r => (r.Step, r.Value)).ToList());
    }

    /// <summary>Rewrites <paramref name="path"/> with <paramref name="records"/> only.</summary>
    public static void Rewrite(string path, IEnumerable<ValidationRecord> records) =>
        File.WriteAllLines(path, records.Select(r => JsonSerializer.Serialize(r, Options)), new UTF8Encoding(false));

    /// <summary>Appends one record and flushes it.</summary>
    public static void Append(string path, ValidationRecord record)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, Options) + "\n");
        stream.Write(line);
        stream.Flush(flushToDisk: true);
    }
}
