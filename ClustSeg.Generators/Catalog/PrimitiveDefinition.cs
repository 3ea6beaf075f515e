using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Catalog;

/// <summary>How the checker infers a primitive's output shape and which facts it verifies.</summary>
internal enum ShapeRule
{
    Conv2d,
    MaxPool2d,
    GroupNorm,
    LayerNorm,
    Linear,
    SameShape,
    ElementwiseBinary,
    Concat,
    Slice,
    ResizeLike,
    ResizeFactor,
    AdaptivePool,
    AxisOp,
    SinePosition,
    EmStep,
    Attention,
    MatMul,
    Flatten,
    Unflatten,
    Transpose,
    RowEmbedding,
    ExpandBatch,
}

/// <summary>
/// A compile-time argument of a primitive: a constructor argument (fixed when the layer is built) or a call
/// argument (given at each call, e.g. row_embedding's row). DefaultFrom names another attribute whose value is
/// the default (max_pool's stride defaults to its kernel).
/// </summary>
internal sealed record PrimitiveAttribute(string Name, ScalarKind Kind, object? Default = null, string? DefaultFrom = null)
{
    public string CsName => Helpers.NameStyle.Camel(Name);

    public bool IsRequired => Default is null && DefaultFrom is null;
}

/// <summary>A learned tensor a primitive owns, for documentation and the checkpoint name list.</summary>
internal sealed record PrimitiveWeight(string Name, string Shape, string Init, bool WeightDecay, string? OnlyIf = null);

/// <summary>
/// One entry of the primitive catalog: the spec name, the runtime class the generated code instantiates
/// (ClustSeg.Runtime.Nn.Layers.*), its tensor inputs, attributes, learned weights and shape rule.
/// </summary>
internal sealed class PrimitiveDefinition
{
    public PrimitiveDefinition(
        string name,
        string runtimeClass,
        string summary,
        string[] inputs,
        ShapeRule rule,
        PrimitiveAttribute[]? attributes = null,
        PrimitiveWeight[]? weights = null,
        PrimitiveAttribute[]? callAttributes = null,
        bool variadic = false,
        bool[]? differentiableInputs = null)
    {
        Name = name;
        RuntimeClass = runtimeClass;
        Summary = summary;
        Inputs = inputs;
        Rule = rule;
        Attributes = attributes ?? new PrimitiveAttribute[0];
        Weights = weights ?? new PrimitiveWeight[0];
        CallAttributes = callAttributes ?? new PrimitiveAttribute[0];
        IsVariadic = variadic;
        DifferentiableInputs = differentiableInputs ?? inputs.Select(_ => true).ToArray();
    }

    public string Name { get; }

    public string RuntimeClass { get; }

    public string FullRuntimeClass => "global::ClustSeg.Runtime.Nn.Layers." + RuntimeClass;

    public string Summary { get; }

    /// <summary>Tensor input names in order; for a variadic primitive, one name standing for all inputs.</summary>
    public IReadOnlyList<string> Inputs { get; }

    public bool IsVariadic { get; }

    public IReadOnlyList<bool> DifferentiableInputs { get; }

    public ShapeRule Rule { get; }

    public IReadOnlyList<PrimitiveAttribute> Attributes { get; }

    public IReadOnlyList<PrimitiveAttribute> CallAttributes { get; }

    public IReadOnlyList<PrimitiveWeight> Weights { get; }

    /// <summary>Layers with learned weights must be declared by name so their weights get checkpoint names.</summary>
    public bool HasWeights => Weights.Count > 0;

    public string InputsDescription => IsVariadic ? "one or more tensors" : Inputs.Count == 1 ? "1 tensor input" : $"{Inputs.Count} tensor inputs";
}
