using System.Collections.Generic;
using System.Linq;

namespace ClustSeg.Generators.Checking;

/// <summary>A tensor shape as far as it is known at compile time: the rank, and each dimension or null when unknown.</summary>
internal sealed class Shape
{
    public Shape(IEnumerable<Dim?> dims) => Dims = dims.ToArray();

    public IReadOnlyList<Dim?> Dims { get; }

    public int Rank => Dims.Count;

    public Dim? this[int axis] => Dims[axis];

    public Shape With(int axis, Dim? dim)
    {
        var dims = Dims.ToArray();
        dims[axis] = dim;
        return new Shape(dims);
    }

    public override string ToString() => "[" + string.Join(", ", Dims.Select(d => d?.ToString() ?? "?")) + "]";

    public static string Describe(Shape? shape) => shape?.ToString() ?? "[?]";
}
