using ClustSeg.Runtime.Data;

namespace ClustSeg.Runtime.Imaging.Png;

/// <summary>A PNG file that cannot be decoded: bad signature, bad CRC, truncated data or an unsupported layout.</summary>
public sealed class PngFormatException : DataFileException
{
    /// <summary>Creates the exception; the message is "PNG 'file': problem".</summary>
    /// <param name="fileName">File path (or a description of the in-memory source).</param>
    /// <param name="problem">What is wrong, and where possible what to do about it.</param>
    public PngFormatException(string fileName, string problem)
        : base(fileName, problem, $"PNG '{fileName}': {problem}", null)
    {
    }
}
