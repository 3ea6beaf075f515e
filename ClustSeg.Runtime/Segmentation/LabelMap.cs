namespace ClustSeg.Runtime.Segmentation;

/// <summary>A per-pixel integer label image (segmentation), row-major: label of (y, x) is at y * Width + x.</summary>
public sealed class LabelMap
{
    /// <summary>Wraps <paramref name="labels"/> (length width * height, row-major); the array is not copied.</summary>
    public LabelMap(int width, int height, int[] labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != (long)width * height)
            throw new ArgumentException(
                $"A {width}x{height} label map needs {(long)width * height} labels, got {labels.Length}.", nameof(labels));
        Width = width;
        Height = height;
        Labels = labels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Number of pixels, Width * Height.</summary>
    public int PixelCount => Labels.Length;

    /// <summary>The labels, row-major.</summary>
    public int[] Labels { get; }

    /// <summary>The label at row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public int this[int y, int x] => Labels[y * Width + x];

    /// <summary>The number of distinct labels present.</summary>
    public int CountDistinct() => Labels.Distinct().Count();

    /// <summary>True when <paramref name="other"/> has the same width and height.</summary>
    public bool HasSameSize(LabelMap other) => other.Width == Width && other.Height == Height;
}
