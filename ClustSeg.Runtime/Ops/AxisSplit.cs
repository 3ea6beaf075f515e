using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>Views a tensor as [outer, axis, inner] around one axis, the layout the axis-wise kernels take.</summary>
internal static class AxisSplit
{
    /// <summary>The split around <paramref name="axis"/> (negative counts from the end); throws naming the op when out of range.</summary>
    public static (uint Outer, uint Axis, uint Inner) Around(string op, Tensor x, int axis)
    {
        ShapeCheck.That(axis >= -x.Rank && axis < x.Rank, op, $"axis {axis} is out of range for '{x.Name}' [{x.ShapeText}] (rank {x.Rank}).");
        var a = axis < 0 ? axis + x.Rank : axis;
        long outer = 1, inner = 1;
        for (var i = 0; i < a; i++) outer *= x.Dim(i);
        for (var i = a + 1; i < x.Rank; i++) inner *= x.Dim(i);
        return (checked((uint)outer), (uint)x.Dim(a), checked((uint)inner));
    }
}
