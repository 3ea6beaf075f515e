using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>Argument checks shared by the kernels' host wrappers; each failure names the op, the argument and both shapes.</summary>
public static class ShapeCheck
{
    /// <summary>Requires <paramref name="tensor"/> to have exactly <paramref name="expected"/> as its shape.</summary>
    public static void Exactly(string op, string argument, Tensor tensor, params int[] expected)
    {
        if (tensor.Shape.SequenceEqual(expected)) return;
        throw new ShapeMismatchException(op, $"'{argument}' ({tensor.Name}) must have shape [{string.Join("x", expected)}], got [{tensor.ShapeText}].");
    }

    /// <summary>Requires rank <paramref name="rank"/>.</summary>
    public static void Rank(string op, string argument, Tensor tensor, int rank)
    {
        if (tensor.Rank == rank) return;
        throw new ShapeMismatchException(op, $"'{argument}' ({tensor.Name}) must have rank {rank}, got [{tensor.ShapeText}].");
    }

    /// <summary>Requires two tensors to have the same shape.</summary>
    public static void Same(string op, string argumentA, Tensor a, string argumentB, Tensor b)
    {
        if (a.Shape.SequenceEqual(b.Shape)) return;
        throw new ShapeMismatchException(op, $"'{argumentA}' [{a.ShapeText}] and '{argumentB}' [{b.ShapeText}] must have the same shape.");
    }

    /// <summary>Requires the dtype <paramref name="dtype"/>.</summary>
    public static void DType(string op, string argument, Tensor tensor, DType dtype)
    {
        if (tensor.DType == dtype) return;
        throw new ShapeMismatchException(op, $"'{argument}' ({tensor.Name}) must be {dtype}, got {tensor.DType}.");
    }

    /// <summary>Requires a condition, with a message describing the violated fact.</summary>
    public static void That(bool condition, string op, string problem)
    {
        if (!condition) throw new ShapeMismatchException(op, problem);
    }
}
