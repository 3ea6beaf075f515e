using System.Text;
using System.Text.Json;

namespace ClustSeg.Runtime.Training;

/// <summary>
/// Appends <see cref="TrainingLogRecord"/>s to a JSONL file, one line per step, flushed at once so that a killed run
/// loses no logged step. On resume, lines for steps after the checkpoint are dropped first: the resumed run writes
/// those steps again, and the log then reads as one uninterrupted run.
/// </summary>
public sealed class TrainingLogWriter : IDisposable
{
    private readonly StreamWriter _writer;

    /// <summary>Opens <paramref name="path"/> for appending after keeping only steps up to <paramref name="keepThroughStep"/> (0: start afresh).</summary>
    public TrainingLogWriter(string path, int keepThroughStep)
    {
        Path = path;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var kept = keepThroughStep > 0 && File.Exists(path) ? KeptLines(path, keepThroughStep) : [];
        File.WriteAllLines(path, kept, new UTF8Encoding(false));
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { NewLine = "\n" };
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <summary>Appends one record and flushes it to the file.</summary>
    public void Append(TrainingLogRecord record)
    {
        _writer.WriteLine(TrainingLogFormat.FormatLine(record));
        _writer.Flush();
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _writer.Dispose();

    private static List<string> KeptLines(string path, int keepThroughStep)
    {
        var kept = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            // A line cut short by a kill, or one from a step the checkpoint does not include, is dropped.
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.GetProperty("step").GetInt32() <= keepThroughStep) kept.Add(line);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
            }
        }
        return kept;
    }
}
