using System.Text;
using System.Text.Json;

namespace ClustSeg.Runtime.Data;

/// <summary>
/// Reads the JSON-lines logs a run appends to (train.jsonl, eval.jsonl) with one rule for a run killed mid-write: a last
/// line cut short (no line break after it and not valid JSON) is skipped, and every other bad line is an error naming
/// the file and the line.
/// </summary>
public static class JsonLinesFile
{
    /// <summary>
    /// Every non-blank line of <paramref name="path"/> through <paramref name="parse"/>, in file order. The file is
    /// opened shared, so a process still appending to it does not stop the read.
    /// </summary>
    /// <param name="path">The file; it must exist.</param>
    /// <param name="parse">Turns one line into a value; throws <see cref="JsonException"/> when the line is not one.</param>
    /// <param name="badLine">The problem to report for line N (1-based) given the parser's message.</param>
    /// <param name="warn">Receives one message per skipped cut-short line; null ignores them.</param>
    /// <exception cref="DataFileException">A line other than a cut-short last one does not parse.</exception>
    public static List<T> Read<T>(string path, Func<string, T> parse, Func<int, string, string> badLine, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(badLine);
        string text;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
            text = reader.ReadToEnd();
        var lines = text.Split('\n');
        var endsWithLineBreak = text.EndsWith('\n');
        var values = new List<T>(lines.Length);
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            var lineNumber = index + 1;
            try
            {
                values.Add(parse(line));
            }
            catch (JsonException e)
            {
                if (index == lines.Length - 1 && !endsWithLineBreak)
                {
                    warn?.Invoke($"'{path}' line {lineNumber}: skipped a last line cut short (the run was stopped while writing it).");
                    continue;
                }
                throw new DataFileException(path, badLine(lineNumber, e.Message), e);
            }
        }
        return values;
    }
}
