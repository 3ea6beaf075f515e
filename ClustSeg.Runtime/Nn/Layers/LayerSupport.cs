using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary>Shape checks, scratch allocation and gradient accumulation shared by the primitive layers.</summary>
internal static class LayerSupport
{
    /// <summary>How errors name a layer: its dotted path and class, e.g. <c>'stages.1.0.conv1' (Conv2d)</c>.</summary>
    public static string Describe(Module layer) =>
        layer.Path.Length == 0 ? $"a root {layer.GetType().Name}" : $"'{layer.Path}' ({layer.GetType().Name})";

    /// <summary>Throws a <see cref="Errors.ShapeMismatchException"/> naming the layer when <paramref name="condition"/> fails.</summary>
    public static void Require(bool condition, string layer, string problem) => ShapeCheck.That(condition, layer, problem);

    /// <summary>Requires <paramref name="tensor"/> to have rank <paramref name="rank"/>.</summary>
    public static void RequireRank(Tensor tensor, int rank, string layout, string layer, string input = "input") =>
        Require(tensor.Rank == rank, layer, $"expects a {rank}D {layout} {input}, got '{tensor.Name}' [{tensor.ShapeText}].");

    /// <summary>Requires two tensors of one shape.</summary>
    public static void RequireSameShape(Tensor a, Tensor b, string layer) =>
        Require(a.Shape.SequenceEqual(b.Shape), layer, $"needs inputs of equal shape, got '{a.Name}' [{a.ShapeText}] and '{b.Name}' [{b.ShapeText}].");

    /// <summary>A float32 tensor from the step's scratch arena.</summary>
    public static Tensor Scratch(ModuleContext context, string name, params int[] shape) => context.Scratch.Allocate(name, DType.F32, shape);

    /// <summary>A float32 scratch tensor shaped like <paramref name="like"/>.</summary>
    public static Tensor ScratchLike(ModuleContext context, string name, Tensor like) => Scratch(context, name, like.Shape.ToArray());

    /// <summary>Records <c>parameter.Grad += delta</c>, for kernels that write their parameter gradients instead of adding them.</summary>
    public static void AddToGrad(ModuleContext context, Parameter parameter, Tensor delta) => context.Recorder.Accumulate(parameter.Grad, delta);

    /// <summary>
    /// Records <paramref name="y"/> = <paramref name="x"/> with its last two dimensions swapped (any leading dimensions
    /// are a batch); <paramref name="y"/> must already have the swapped shape.
    /// </summary>
    public static void TransposeLastTwo(ModuleContext context, Tensor x, Tensor y)
    {
        var rows = x.Dim(-2);
        var cols = x.Dim(-1);
        var batch = checked((int)(x.ElementCount / ((long)rows * cols)));
        // permute.comp transposes each [rows, cols] matrix of a batch: tokens [batch, rows, cols] to image [batch, cols, rows, 1].
        context.Recorder.NhwcToNchw(x.Reshape(batch, rows, cols), y.Reshape(batch, cols, rows, 1));
    }

    /// <summary>The shape of <paramref name="x"/> with its last two dimensions swapped.</summary>
    public static int[] SwappedShape(Tensor x)
    {
        var shape = x.Shape.ToArray();
        (shape[^1], shape[^2]) = (shape[^2], shape[^1]);
        return shape;
    }

    /// <summary>A scratch tensor holding <paramref name="x"/> with its last two dimensions swapped.</summary>
    public static Tensor Transposed(ModuleContext context, Tensor x, string name)
    {
        var y = Scratch(context, name, SwappedShape(x));
        TransposeLastTwo(context, x, y);
        return y;
    }
}
