namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>A .mat file is malformed, or uses a feature this reader does not support; the message says which.</summary>
public sealed class MatFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a description of what was wrong.</summary>
    public MatFileException(string filePath, string problem, Exception? inner = null)
        : base($"MAT file '{filePath}': {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file (or the name given for an in-memory buffer) that failed.</summary>
    public string FilePath { get; }

    /// <summary>What was wrong, without the file name.</summary>
    public string Problem { get; }
}
