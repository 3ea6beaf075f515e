namespace ClustSeg.Runtime.Nn.Safetensors;

/// <summary>One float32 tensor of a safetensors file: its name, shape and row-major data.</summary>
public sealed record SafetensorsTensor(string Name, IReadOnlyList<int> Shape, float[] Data)
{
    /// <summary>Shape as text, e.g. "[64, 32, 3, 3]".</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
