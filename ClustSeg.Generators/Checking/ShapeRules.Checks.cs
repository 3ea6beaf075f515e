using System.Linq;
using ClustSeg.Generators.Diagnostics;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Checking;

internal static partial class ShapeRules
{
    private static bool Rank(RuleCall call, int input, int rank, string layout)
    {
        var shape = call.Inputs[input];
        if (shape is null || shape.Rank == rank) return shape is not null;
        call.Fail(SpecDiagnostics.RankMismatch, $"'{call.Layer}' expects a {rank}D {layout} input, but {call.Describe(input)} has {shape.Rank} dimensions");
        return false;
    }

    private static bool MinRank(RuleCall call, int input, int rank)
    {
        var shape = call.Inputs[input];
        if (shape is null || shape.Rank >= rank) return shape is not null;
        call.Fail(SpecDiagnostics.RankMismatch, $"'{call.Layer}' expects an input with at least {rank} dimensions, but {call.Describe(input)} has {shape.Rank}");
        return false;
    }

    /// <summary>Checks that an input dimension equals an attribute, e.g. conv2d's in_channels.</summary>
    private static void ExpectDim(RuleCall call, int input, int axis, long expected, string attribute, DiagnosticDescriptor descriptor)
    {
        var dim = call.Inputs[input]![axis];
        if (dim is null || dim.Equals(Dim.Const(expected))) return;
        var where = axis == 1 ? "channels (dimension 1)" : $"as dimension {axis}";
        call.Fail(descriptor, $"'{call.Layer}' expects {attribute} = {expected}, but its input {call.Describe(input)} has {dim} {where}");
    }

    private static void SameDim(RuleCall call, int a, int axisA, int b, int axisB, string what)
    {
        var left = call.Inputs[a]![axisA];
        var right = call.Inputs[b]![axisB];
        if (left is null || right is null || left.Equals(right)) return;
        var descriptor = what.Contains("channel") ? SpecDiagnostics.ChannelMismatch : SpecDiagnostics.ShapeMismatch;
        call.Fail(descriptor, $"'{call.Layer}' needs the same {what} in {call.Describe(a)} and {call.Describe(b)}, but they have {left} and {right}");
    }

    private static Shape? SameShapes(RuleCall call, int a, int b)
    {
        var left = call.Inputs[a];
        var right = call.Inputs[b];
        if (left is null || right is null) return left ?? right;
        if (left.Rank != right.Rank)
        {
            call.Fail(SpecDiagnostics.RankMismatch, $"'{call.Layer}' needs equal shapes, but {call.Describe(a)} and {call.Describe(b)} have different ranks");
            return null;
        }
        for (var axis = 0; axis < left.Rank; axis++)
        {
            if (left[axis] is null || right[axis] is null || left[axis]!.Equals(right[axis])) continue;
            var descriptor = axis == 1 ? SpecDiagnostics.ChannelMismatch : SpecDiagnostics.ShapeMismatch;
            call.Fail(descriptor, $"'{call.Layer}' needs equal shapes, but {call.Describe(a)} and {call.Describe(b)} differ in dimension {axis}");
            return null;
        }
        return new Shape(left.Dims.Select((d, i) => d ?? right[i]));
    }

    private static Shape? Concat(RuleCall call)
    {
        var known = call.Inputs.Select((s, i) => (Shape: s, Index: i)).Where(p => p.Shape is not null).ToList();
        if (known.Count == 0) return null;
        var first = known[0];
        foreach (var other in known.Skip(1))
        {
            if (other.Shape!.Rank != first.Shape!.Rank)
            {
                call.Fail(SpecDiagnostics.RankMismatch, $"'{call.Layer}' needs inputs of one rank, but {call.Describe(first.Index)} and {call.Describe(other.Index)} differ");
                return null;
            }
        }
        if (!MinRank(call, first.Index, 2)) return null;
        var dims = first.Shape!.Dims.ToArray();
        foreach (var other in known.Skip(1))
        {
            for (var axis = 0; axis < dims.Length; axis++)
            {
                if (axis == 1) continue;
                var d = other.Shape![axis];
                if (dims[axis] is not null && d is not null && !dims[axis]!.Equals(d))
                {
                    call.Fail(SpecDiagnostics.ShapeMismatch, $"'{call.Layer}' joins along dimension 1, so the others must match, but {call.Describe(first.Index)} and {call.Describe(other.Index)} differ in dimension {axis}");
                    return null;
                }
                dims[axis] ??= d;
            }
        }
        Dim? total = Dim.Const(0);
        foreach (var shape in call.Inputs) total = shape?[1] is { } d && total is not null ? total + d : null;
        dims[1] = total;
        return new Shape(dims);
    }

    private static Shape? Slice(RuleCall call)
    {
        if (!MinRank(call, 0, 2)) return null;
        var x = call.Inputs[0]!;
        long start = call.Int("start"), end = call.Int("end");
        if (start < 0 || end <= start)
        {
            call.Fail(SpecDiagnostics.InvalidValue, $"'{call.Layer}' needs 0 <= start < end, but start = {start} and end = {end}");
            return null;
        }
        if (x[1] is { IsConstant: true } size && end > size.ConstantTerm)
        {
            call.Fail(SpecDiagnostics.IndexOutOfRange, $"'{call.Layer}' takes channels {start}..{end}, but {call.Describe(0)} has only {size.ConstantTerm}");
            return null;
        }
        return x.With(1, Dim.Const(end - start));
    }

    private static Shape? AttentionShape(RuleCall call)
    {
        for (var i = 0; i < 3; i++)
        {
            if (!Rank(call, i, 3, "[B, N, D]")) return null;
        }
        SameDim(call, 0, 0, 1, 0, "batch size");
        SameDim(call, 1, 0, 2, 0, "batch size");
        SameDim(call, 0, 2, 1, 2, "width D (dimension 2)");
        SameDim(call, 1, 1, 2, 1, "number of positions (dimension 1)");
        var heads = call.Int("heads");
        foreach (var i in new[] { 0, 2 })
        {
            if (call.Inputs[i]![2] is { IsConstant: true } width && width.ConstantTerm % heads != 0)
            {
                call.Fail(SpecDiagnostics.NotDivisible, $"'{call.Layer}' splits the width into {heads} heads, but {call.Describe(i)} has width {width.ConstantTerm}, not a multiple of {heads}");
            }
        }
        var q = call.Inputs[0]!;
        return new Shape(new[] { q[0], q[1], call.Inputs[2]![2] });
    }

    private static Shape? MatMul(RuleCall call)
    {
        if (!Rank(call, 0, 3, "[B, M, K]") || !Rank(call, 1, 3, "[B, K, N]")) return null;
        var transposed = call.Attributes["transpose_b"].Flag;
        SameDim(call, 0, 0, 1, 0, "batch size");
        SameDim(call, 0, 2, 1, transposed ? 2 : 1, "inner size K");
        var a = call.Inputs[0]!;
        var b = call.Inputs[1]!;
        return new Shape(new[] { a[0], a[1], transposed ? b[1] : b[2] });
    }
}
