namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>
/// One MATLAB array read from a .mat file. Dimensions are in MATLAB order (rows, columns, ...); element data is
/// kept column-major as MATLAB stores it, with row-major copies available on the numeric subclass.
/// </summary>
public abstract class MatArray
{
    private protected MatArray(string name, int[] dimensions, MatClass arrayClass)
    {
        Name = name;
        Dimensions = dimensions;
        Class = arrayClass;
        long count = 1;
        foreach (var d in dimensions) count *= d;
        ElementCount = checked((int)count);
    }

    /// <summary>Variable name (empty for cell elements and struct fields).</summary>
    public string Name { get; }

    /// <summary>Size along each dimension, MATLAB order (at least two).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The MATLAB class.</summary>
    public MatClass Class { get; }

    /// <summary>Product of the dimensions.</summary>
    public int ElementCount { get; }

    /// <summary>A short description such as "uint16 321x481", for messages.</summary>
    public string Describe() => $"{Class.ToString().ToLowerInvariant()} {string.Join("x", Dimensions)}";
}
