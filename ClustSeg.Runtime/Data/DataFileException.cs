namespace ClustSeg.Runtime.Data;

/// <summary>
/// A data file (image, label PNG, annotation JSON) that is missing, corrupt or inconsistent with the rest of the
/// dataset. The message names the file and the problem so a run never starts on silently broken data.
/// </summary>
public class DataFileException : IOException
{
    /// <summary>Creates the exception; the message is "'file': problem".</summary>
    /// <param name="fileName">Path of the offending file.</param>
    /// <param name="problem">What is wrong and, where possible, what to do.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public DataFileException(string fileName, string problem, Exception? inner = null)
        : this(fileName, problem, $"'{fileName}': {problem}", inner)
    {
    }

    /// <summary>Creates the exception with a custom message prefix (used by subclasses).</summary>
    protected DataFileException(string fileName, string problem, string message, Exception? inner)
        : base(message, inner)
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>Path of the offending file.</summary>
    public string FileName { get; }

    /// <summary>The problem, without the file name.</summary>
    public string Problem { get; }
}
