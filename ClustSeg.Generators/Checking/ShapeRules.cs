using System;
using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Catalog;
using ClustSeg.Generators.Diagnostics;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Checking;

/// <summary>What a shape rule needs to know about one call: the layer, its attribute values, its inputs.</summary>
internal sealed class RuleCall
{
    public RuleCall(string layer, PrimitiveDefinition primitive, IReadOnlyDictionary<string, Scalar> attributes,
        IReadOnlyList<Shape?> inputs, IReadOnlyList<string> inputNames, Action<DiagnosticDescriptor, string> fail)
    {
        Layer = layer;
        Primitive = primitive;
        Attributes = attributes;
        Inputs = inputs;
        InputNames = inputNames;
        Fail = fail;
    }

    public string Layer { get; }

    public PrimitiveDefinition Primitive { get; }

    public IReadOnlyDictionary<string, Scalar> Attributes { get; }

    public IReadOnlyList<Shape?> Inputs { get; }

    public IReadOnlyList<string> InputNames { get; }

    public Action<DiagnosticDescriptor, string> Fail { get; }

    public long Int(string name) => Attributes[name].Int;

    public string Describe(int input) => $"'{InputNames[input]}' {Shape.Describe(Inputs[input])}";
}

/// <summary>
/// The shape facts of each primitive: the output shape from the input shapes and attributes, and the checks that
/// can be decided at compile time (channels, ranks, equal sizes). Unknown dimensions are never reported.
/// </summary>
internal static partial class ShapeRules
{
    public static Shape? Infer(RuleCall call)
    {
        if (call.Inputs.Any(s => s is null) && call.Primitive.Rule is not (ShapeRule.Concat or ShapeRule.ElementwiseBinary)) return null;
        var x = call.Inputs.Count > 0 ? call.Inputs[0] : null;
        switch (call.Primitive.Rule)
        {
            case ShapeRule.Conv2d:
                if (!Rank(call, 0, 4, "[B, C, H, W]")) return null;
                ExpectDim(call, 0, 1, call.Int("in_channels"), "in_channels", SpecDiagnostics.ChannelMismatch);
                return new Shape(new[]
                {
                    x![0], Dim.Const(call.Int("out_channels")),
                    Window(call, x[2], call.Int("kernel"), call.Int("stride"), call.Int("padding"), call.Int("dilation")),
                    Window(call, x[3], call.Int("kernel"), call.Int("stride"), call.Int("padding"), call.Int("dilation")),
                });
            case ShapeRule.MaxPool2d:
                if (!Rank(call, 0, 4, "[B, C, H, W]")) return null;
                return new Shape(new[]
                {
                    x![0], x[1],
                    Window(call, x[2], call.Int("kernel"), call.Int("stride"), call.Int("padding"), 1),
                    Window(call, x[3], call.Int("kernel"), call.Int("stride"), call.Int("padding"), 1),
                });
            case ShapeRule.GroupNorm:
                if (!MinRank(call, 0, 2)) return null;
                ExpectDim(call, 0, 1, call.Int("channels"), "channels", SpecDiagnostics.ChannelMismatch);
                return x;
            case ShapeRule.LayerNorm:
                if (!MinRank(call, 0, 1)) return null;
                ExpectDim(call, 0, x!.Rank - 1, call.Int("dim"), "dim", SpecDiagnostics.ChannelMismatch);
                return x;
            case ShapeRule.Linear:
                if (!MinRank(call, 0, 1)) return null;
                ExpectDim(call, 0, x!.Rank - 1, call.Int("in_features"), "in_features", SpecDiagnostics.ChannelMismatch);
                return x.With(x.Rank - 1, Dim.Const(call.Int("out_features")));
            case ShapeRule.RowEmbedding:
                if (!MinRank(call, 0, 1)) return null;
                ExpectDim(call, 0, x!.Rank - 1, call.Int("dim"), "dim", SpecDiagnostics.ChannelMismatch);
                return x;
            case ShapeRule.SameShape:
                return x;
            case ShapeRule.AxisOp:
                var axis = call.Int("dim");
                if (axis < -x!.Rank || axis >= x.Rank)
                {
                    call.Fail(SpecDiagnostics.InvalidValue, $"'{call.Layer}' has dim = {axis}, but its input {call.Describe(0)} has {x.Rank} dimensions");
                }
                return x;
            case ShapeRule.ElementwiseBinary:
                return SameShapes(call, 0, 1);
            case ShapeRule.Concat:
                return Concat(call);
            case ShapeRule.Slice:
                return Slice(call);
            case ShapeRule.ResizeLike:
                if (!Rank(call, 0, 4, "[B, C, H, W]") || !Rank(call, 1, 4, "[B, C, H, W]")) return null;
                SameDim(call, 0, 0, 1, 0, "batch size");
                return new Shape(new[] { x![0], x[1], call.Inputs[1]![2], call.Inputs[1]![3] });
            case ShapeRule.ResizeFactor:
                if (!Rank(call, 0, 4, "[B, C, H, W]")) return null;
                var factor = call.Int("factor");
                return new Shape(new[] { x![0], x[1], x[2] is null ? null : x[2]! * factor, x[3] is null ? null : x[3]! * factor });
            case ShapeRule.AdaptivePool:
                if (!Rank(call, 0, 4, "[B, C, H, W]")) return null;
                return new Shape(new[] { x![0], x[1], Dim.Const(call.Int("out_h")), Dim.Const(call.Int("out_w")) });
            case ShapeRule.SinePosition:
                if (!Rank(call, 0, 4, "[B, C, H, W]")) return null;
                return new Shape(new[] { x![0], Dim.Const(call.Int("channels")), x[2], x[3] });
            case ShapeRule.EmStep:
            case ShapeRule.Attention:
                return AttentionShape(call);
            case ShapeRule.MatMul:
                return MatMul(call);
            case ShapeRule.Flatten:
                if (!MinRank(call, 0, 3)) return null;
                Dim? product = x![2];
                for (var i = 3; i < x.Rank; i++) product = product is null || x[i] is null ? null : product * x[i]!;
                return new Shape(new[] { x[0], x[1], product });
            case ShapeRule.Unflatten:
                if (!Rank(call, 0, 3, "[B, C, N]") || !Rank(call, 1, 4, "[B, C, H, W]")) return null;
                var like = call.Inputs[1]!;
                var pixels = like[2] is null || like[3] is null ? null : like[2]! * like[3]!;
                if (x![2] is not null && pixels is not null && !x[2]!.Equals(pixels))
                {
                    call.Fail(SpecDiagnostics.ShapeMismatch, $"'{call.Layer}' needs {call.Describe(0)} to have H*W = {pixels} positions like {call.Describe(1)}");
                }
                return new Shape(new[] { x[0], x[1], like[2], like[3] });
            case ShapeRule.Transpose:
                if (!MinRank(call, 0, 2)) return null;
                return x!.With(x.Rank - 1, x[x.Rank - 2]).With(x.Rank - 2, x[x.Rank - 1]);
            case ShapeRule.ExpandBatch:
                if (!Rank(call, 0, 2, "[R, D]") || !MinRank(call, 1, 1)) return null;
                return new Shape(new[] { call.Inputs[1]![0], x![0], x[1] });
        }
        return null;
    }

    /// <summary>Output size of a convolution or pooling window along one axis (PyTorch's formula).</summary>
    private static Dim? Window(RuleCall call, Dim? size, long kernel, long stride, long padding, long dilation)
    {
        if (size is null || stride <= 0) return null;
        var output = (size + Dim.Const(2 * padding - dilation * (kernel - 1) - 1)).FloorDivide(stride) + Dim.Const(1);
        if (output.IsConstant && output.ConstantTerm <= 0)
        {
            call.Fail(SpecDiagnostics.InvalidValue, $"'{call.Layer}' would produce an output of size {output.ConstantTerm} from size {size} (kernel {kernel}, stride {stride}, padding {padding})");
            return null;
        }
        return output;
    }
}
