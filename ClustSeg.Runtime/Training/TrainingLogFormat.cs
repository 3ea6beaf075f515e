using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClustSeg.Runtime.Data;

namespace ClustSeg.Runtime.Training;

/// <summary>
/// The <c>train.jsonl</c> format: one <see cref="TrainingLogRecord"/> per line, as a compact JSON object with the
/// snake_case names the record's documentation shows. The training loop writes with <see cref="FormatLine"/> (or
/// <see cref="SerializerOptions"/>) and every reader goes through <see cref="Read"/>, so both sides agree by construction;
/// the reader also accepts the times and numbers System.Text.Json writes by default.
/// A loss that is NaN or infinite (a diverged run) is written as the string "NaN", "Infinity" or "-Infinity".
/// </summary>
public static class TrainingLogFormat
{
    /// <summary>Options that serialize and deserialize a <see cref="TrainingLogRecord"/> as one compact log line.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateOptions();

    /// <summary>One record as one line of JSON, without the line break.</summary>
    /// <param name="record">The step to log.</param>
    public static string FormatLine(TrainingLogRecord record) => JsonSerializer.Serialize(record, SerializerOptions);

    /// <summary>
    /// Reads every record of a <c>train.jsonl</c> file. Blank lines are ignored. A last line cut short (no line break
    /// after it and not valid JSON, as a process killed mid-write leaves it) is skipped and reported through
    /// <paramref name="warn"/>; any other bad line is a <see cref="DataFileException"/> naming the file and line.
    /// </summary>
    /// <param name="path">The log file.</param>
    /// <param name="warn">Receives one message per skipped line; null ignores them.</param>
    public static IReadOnlyList<TrainingLogRecord> Read(string path, Action<string>? warn = null)
    {
        if (!File.Exists(path))
            throw new DataFileException(path, "the training log does not exist. Pass the train.jsonl that `clustseg-cli train` wrote in its run folder.");
        // Shared with the training loop, which may be appending to the log while it is plotted.
        return JsonLinesFile.Read(path,
            line => JsonSerializer.Deserialize<TrainingLogRecord>(line, SerializerOptions) ?? throw new JsonException("the line is JSON null, not a record."),
            (lineNumber, problem) => $"line {lineNumber} is not a training log record: {problem} " +
                                     "Each line must be one JSON object as `clustseg-cli train` writes it; remove or fix that line.",
            warn);
    }

    /// <summary>
    /// The history as the run finally took it. A run resumed from a checkpoint logs again the steps it had logged after
    /// that checkpoint before being stopped; the lines written later replace them, so steps come out increasing with the
    /// latest value of each.
    /// </summary>
    /// <param name="records">Records in file order, as <see cref="Read"/> returns them.</param>
    public static IReadOnlyList<TrainingLogRecord> LatestHistory(IReadOnlyList<TrainingLogRecord> records)
    {
        var kept = new List<TrainingLogRecord>(records.Count);
        var firstStepAfter = int.MaxValue;
        for (var i = records.Count - 1; i >= 0; i--)
        {
            if (records[i].Step >= firstStepAfter) continue; // superseded by a resumed run's later lines
            kept.Add(records[i]);
            firstStepAfter = records[i].Step;
        }
        kept.Reverse();
        return kept;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions { WriteIndented = false };
        options.Converters.Add(new RecordConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Hand-written so the file's names (lr, grad_norm, ...) need no attributes on the record itself.</summary>
    private sealed class RecordConverter : JsonConverter<TrainingLogRecord>
    {
        private static readonly string[] Required = ["step", "epoch", "lr", "loss", "losses", "grad_norm", "images_per_second", "elapsed_seconds", "time"];

        public override void Write(Utf8JsonWriter writer, TrainingLogRecord value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteNumber("step", value.Step);
            WriteDouble(writer, "epoch", value.Epoch);
            WriteDouble(writer, "lr", value.LearningRate);
            WriteDouble(writer, "loss", value.Loss);
            writer.WriteStartObject("losses");
            foreach (var (name, loss) in value.Losses) WriteDouble(writer, name, loss);
            writer.WriteEndObject();
            WriteDouble(writer, "grad_norm", value.GradientNorm);
            WriteDouble(writer, "images_per_second", value.ImagesPerSecond);
            WriteDouble(writer, "elapsed_seconds", value.ElapsedSeconds);
            writer.WriteString("time", value.Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        public override TrainingLogRecord Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("expected a JSON object.");
            int step = 0;
            double epoch = 0, lr = 0, loss = 0, gradNorm = 0, imagesPerSecond = 0, elapsed = 0;
            var losses = new Dictionary<string, double>(StringComparer.Ordinal);
            var time = default(DateTimeOffset);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString()!;
                reader.Read();
                seen.Add(name);
                switch (name)
                {
                    case "step":
                        if (!reader.TryGetInt32(out step)) throw new JsonException("\"step\" must be a whole number.");
                        break;
                    case "epoch": epoch = ReadDouble(ref reader, name); break;
                    case "lr": lr = ReadDouble(ref reader, name); break;
                    case "loss": loss = ReadDouble(ref reader, name); break;
                    case "grad_norm": gradNorm = ReadDouble(ref reader, name); break;
                    case "images_per_second": imagesPerSecond = ReadDouble(ref reader, name); break;
                    case "elapsed_seconds": elapsed = ReadDouble(ref reader, name); break;
                    case "time":
                        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out time))
                            throw new JsonException("\"time\" must be an ISO 8601 date and time string.");
                        break;
                    case "losses":
                        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("\"losses\" must be an object of term name to number.");
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                        {
                            var term = reader.GetString()!;
                            reader.Read();
                            losses[term] = ReadDouble(ref reader, $"losses.{term}");
                        }
                        break;
                    default:
                        reader.Skip(); // Newer writers may add fields; older readers keep working.
                        break;
                }
            }
            var missing = Required.Where(r => !seen.Contains(r)).ToList();
            if (missing.Count > 0) throw new JsonException($"missing {string.Join(", ", missing.Select(m => $"\"{m}\""))}.");
            return new TrainingLogRecord(step, epoch, lr, loss, losses, gradNorm, imagesPerSecond, elapsed, time);
        }

        private static void WriteDouble(Utf8JsonWriter writer, string name, double value)
        {
            if (double.IsFinite(value)) writer.WriteNumber(name, value);
            else writer.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }

        private static double ReadDouble(ref Utf8JsonReader reader, string name)
        {
            if (reader.TokenType == JsonTokenType.Number) return reader.GetDouble();
            if (reader.TokenType == JsonTokenType.String)
            {
                switch (reader.GetString())
                {
                    case "NaN": return double.NaN;
                    case "Infinity": return double.PositiveInfinity;
                    case "-Infinity": return double.NegativeInfinity;
                }
            }
            throw new JsonException($"\"{name}\" must be a number (or \"NaN\", \"Infinity\", \"-Infinity\").");
        }
    }
}
