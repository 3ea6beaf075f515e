using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Catalog;

/// <summary>
/// The primitive layers a spec can use, each backed by a runtime class in ClustSeg.Runtime.Nn.Layers.
/// docs/spec-language.md documents this table and the C# contract each class implements.
/// Image tensors are NCHW [B, C, H, W]; token tensors are [B, N, D].
/// </summary>
internal static class PrimitiveCatalog
{
    private const string Uniform = "uniform(-1/sqrt(fan_in), 1/sqrt(fan_in))";

    public static readonly IReadOnlyList<PrimitiveDefinition> All = new[]
    {
        new PrimitiveDefinition("conv2d", "Conv2d", "2D convolution, square kernel, PyTorch weight layout [out, in/groups, k, k]",
            new[] { "x" }, ShapeRule.Conv2d,
            new[]
            {
                Attr("in_channels", ScalarKind.Int), Attr("out_channels", ScalarKind.Int), Attr("kernel", ScalarKind.Int),
                Attr("stride", ScalarKind.Int, 1), Attr("padding", ScalarKind.Int, 0), Attr("dilation", ScalarKind.Int, 1),
                Attr("groups", ScalarKind.Int, 1), Attr("bias", ScalarKind.Bool, true),
            },
            new[]
            {
                new PrimitiveWeight("weight", "[out_channels, in_channels/groups, kernel, kernel]", Uniform + ", fan_in = in_channels/groups*kernel*kernel", true),
                new PrimitiveWeight("bias", "[out_channels]", Uniform, false, "bias"),
            }),
        new PrimitiveDefinition("group_norm", "GroupNorm", "GroupNorm over channel groups of NCHW (or [B, C, N]) input, affine; relu: true applies ReLU in the same pass",
            new[] { "x" }, ShapeRule.GroupNorm,
            new[] { Attr("groups", ScalarKind.Int), Attr("channels", ScalarKind.Int), Attr("eps", ScalarKind.Float, 1e-5), Attr("relu", ScalarKind.Bool, false) },
            new[] { new PrimitiveWeight("weight", "[channels]", "ones", false), new PrimitiveWeight("bias", "[channels]", "zeros", false) }),
        new PrimitiveDefinition("layer_norm", "LayerNorm", "LayerNorm over the last dimension, affine",
            new[] { "x" }, ShapeRule.LayerNorm,
            new[] { Attr("dim", ScalarKind.Int), Attr("eps", ScalarKind.Float, 1e-5) },
            new[] { new PrimitiveWeight("weight", "[dim]", "ones", false), new PrimitiveWeight("bias", "[dim]", "zeros", false) }),
        new PrimitiveDefinition("linear", "Linear", "y = x W^T + b over the last dimension, W is [out, in]",
            new[] { "x" }, ShapeRule.Linear,
            new[] { Attr("in_features", ScalarKind.Int), Attr("out_features", ScalarKind.Int), Attr("bias", ScalarKind.Bool, true) },
            new[]
            {
                new PrimitiveWeight("weight", "[out_features, in_features]", Uniform + ", fan_in = in_features", true),
                new PrimitiveWeight("bias", "[out_features]", Uniform, false, "bias"),
            }),
        new PrimitiveDefinition("row_embedding", "RowEmbedding", "adds row `row` of a learned [rows, dim] table to every position (last dimension)",
            new[] { "x" }, ShapeRule.RowEmbedding,
            new[] { Attr("rows", ScalarKind.Int), Attr("dim", ScalarKind.Int) },
            new[] { new PrimitiveWeight("weight", "[rows, dim]", "normal(0, 1)", false) },
            callAttributes: new[] { Attr("row", ScalarKind.Int) }),
        new PrimitiveDefinition("relu", "ReLU", "max(x, 0)", new[] { "x" }, ShapeRule.SameShape),
        new PrimitiveDefinition("gelu", "Gelu", "GELU (erf form)", new[] { "x" }, ShapeRule.SameShape),
        new PrimitiveDefinition("add", "Add", "a + b, same shapes (also written a + b)", new[] { "a", "b" }, ShapeRule.ElementwiseBinary),
        new PrimitiveDefinition("mul", "Mul", "a * b elementwise, same shapes (also written a * b)", new[] { "a", "b" }, ShapeRule.ElementwiseBinary),
        new PrimitiveDefinition("scale", "Scale", "x * factor (also written x * 0.5)", new[] { "x" }, ShapeRule.SameShape,
            new[] { Attr("factor", ScalarKind.Float) }),
        new PrimitiveDefinition("concat", "Concat", "concatenation along dimension 1 (channels, or tokens of [B, N, D])",
            new[] { "inputs" }, ShapeRule.Concat, variadic: true),
        new PrimitiveDefinition("slice", "Slice", "x[:, start:end] along dimension 1",
            new[] { "x" }, ShapeRule.Slice, new[] { Attr("start", ScalarKind.Int), Attr("end", ScalarKind.Int) }),
        new PrimitiveDefinition("resize_bilinear", "ResizeBilinearLike", "bilinear resize of x to like's H x W (align_corners = false); no gradient to like",
            new[] { "x", "like" }, ShapeRule.ResizeLike, differentiableInputs: new[] { true, false }),
        new PrimitiveDefinition("resize_bilinear", "ResizeBilinear", "bilinear upsampling by an integer factor (align_corners = false)",
            new[] { "x" }, ShapeRule.ResizeFactor, new[] { Attr("factor", ScalarKind.Int) }),
        new PrimitiveDefinition("adaptive_avg_pool", "AdaptiveAvgPool2d", "average pooling to out_h x out_w cells (PyTorch cell bounds)",
            new[] { "x" }, ShapeRule.AdaptivePool, new[] { Attr("out_h", ScalarKind.Int), Attr("out_w", ScalarKind.Int) }),
        new PrimitiveDefinition("max_pool", "MaxPool2d", "max pooling, square window",
            new[] { "x" }, ShapeRule.MaxPool2d,
            new[] { Attr("kernel", ScalarKind.Int), new PrimitiveAttribute("stride", ScalarKind.Int, DefaultFrom: "kernel"), Attr("padding", ScalarKind.Int, 0) }),
        new PrimitiveDefinition("l2_normalize", "L2Normalize", "x / max(||x||, eps) along dim (negative counts from the end)",
            new[] { "x" }, ShapeRule.AxisOp, new[] { Attr("dim", ScalarKind.Int, -1), Attr("eps", ScalarKind.Float, 1e-12) }),
        new PrimitiveDefinition("softmax", "Softmax", "softmax along dim (negative counts from the end)",
            new[] { "x" }, ShapeRule.AxisOp, new[] { Attr("dim", ScalarKind.Int, -1) }),
        new PrimitiveDefinition("sine_position", "SinePosition", "2D sine position code of x's H x W: [B, channels, H, W] (channels/2 for y, then x); no gradient",
            new[] { "x" }, ShapeRule.SinePosition, new[] { Attr("channels", ScalarKind.Int) }, differentiableInputs: new[] { false }),
        new PrimitiveDefinition("em_step", "EmStep", "RCross E and M step: softmax over clusters of q k^T / sqrt(D/heads), then the assignment-weighted mean of v",
            new[] { "q", "k", "v" }, ShapeRule.EmStep, new[] { Attr("heads", ScalarKind.Int), Attr("eps", ScalarKind.Float, 1e-6) }),
        new PrimitiveDefinition("attention", "Attention", "multi-head softmax(q k^T / sqrt(D/heads)) v, softmax over keys",
            new[] { "q", "k", "v" }, ShapeRule.Attention, new[] { Attr("heads", ScalarKind.Int) }),
        new PrimitiveDefinition("matmul", "MatMul", "batched a b ([B, M, K] x [B, K, N]) or a b^T when transpose_b",
            new[] { "a", "b" }, ShapeRule.MatMul, new[] { Attr("transpose_b", ScalarKind.Bool, false) }),
        new PrimitiveDefinition("flatten", "Flatten", "[B, C, H, W] -> [B, C, H*W] (a view)", new[] { "x" }, ShapeRule.Flatten),
        new PrimitiveDefinition("unflatten", "Unflatten", "[B, C, H*W] -> [B, C, H, W] with like's H and W (a view); no gradient to like",
            new[] { "x", "like" }, ShapeRule.Unflatten, differentiableInputs: new[] { true, false }),
        new PrimitiveDefinition("transpose", "Transpose", "swaps the last two dimensions ([B, C, N] -> [B, N, C])", new[] { "x" }, ShapeRule.Transpose),
        new PrimitiveDefinition("expand_batch", "ExpandBatch", "[R, D] -> [B, R, D] with like's batch size; gradient summed over the batch",
            new[] { "x", "like" }, ShapeRule.ExpandBatch, differentiableInputs: new[] { true, false }),
    };

    private static readonly ILookup<string, PrimitiveDefinition> ByName = All.ToLookup(p => p.Name);

    /// <summary>The overloads registered under a spec name (resize_bilinear has two); empty when unknown.</summary>
    public static IReadOnlyList<PrimitiveDefinition> Find(string name) => ByName[name].ToArray();

    public static IEnumerable<string> Names => All.Select(p => p.Name).Distinct();

    private static PrimitiveAttribute Attr(string name, ScalarKind kind, object? defaultValue = null) => new(name, kind, defaultValue);
}
