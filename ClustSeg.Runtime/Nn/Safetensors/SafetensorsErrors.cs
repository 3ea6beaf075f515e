using ClustSeg.Runtime.Errors;

namespace ClustSeg.Runtime.Nn.Safetensors;

/// <summary>A file is not a valid float32 safetensors file.</summary>
public sealed class SafetensorsFormatException : ClustSegException
{
    /// <summary>Creates the error for <paramref name="path"/>.</summary>
    public SafetensorsFormatException(string path, string problem, Exception? inner = null)
        : base($"'{path}' is not a valid safetensors checkpoint: {problem}.",
            "Check that the file was written completely (checkpoints are written to a temporary file and renamed) and that it stores float32 (F32) tensors.", inner)
    {
        FilePath = path;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }
}

/// <summary>A checkpoint's tensors do not match the model's parameters and buffers.</summary>
public sealed class CheckpointMismatchException : ClustSegException
{
    /// <summary>Creates the error listing every difference.</summary>
    public CheckpointMismatchException(string path, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> wrongShapes)
        : base(Describe(path, missing, unexpected, wrongShapes),
            "Load a checkpoint saved from the same layer spec (its spec_sha256 metadata names the spec), or change the spec's widths and block counts back to those it was trained with.")
    {
        Missing = missing;
        Unexpected = unexpected;
        WrongShapes = wrongShapes;
    }

    /// <summary>Model tensors the file lacks.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>File tensors the model lacks.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>"name: expected [..], found [..]" for each tensor whose shape differs.</summary>
    public IReadOnlyList<string> WrongShapes { get; }

    private static string Describe(string path, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> wrongShapes)
    {
        var parts = new List<string>();
        if (wrongShapes.Count > 0) parts.Add("shapes differ: " + string.Join("; ", wrongShapes));
        if (missing.Count > 0) parts.Add("missing from the file: " + string.Join(", ", missing));
        if (unexpected.Count > 0) parts.Add("in the file but not in the model: " + string.Join(", ", unexpected));
        return $"Checkpoint '{path}' does not match the model ({string.Join("; ", parts)}).";
    }
}
