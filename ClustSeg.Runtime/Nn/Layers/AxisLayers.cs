using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary><c>softmax(dim)</c>: softmax along one dimension (negative counts from the end).</summary>
/// <param name="dim">The dimension.</param>
public sealed class Softmax(int dim) : UnaryPrimitive
{
    /// <summary>The dimension (negative counts from the end).</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Require(Dim >= -input.Rank && Dim < input.Rank, Describe(this), $"has dim = {Dim}, but '{input.Name}' [{input.ShapeText}] has {input.Rank} dimensions.");
        var output = ScratchLike(context, Path + ".softmax", input);
        context.Recorder.Softmax(input, output, Dim);
        SaveForBackward(context, output);
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var output = RestoreForBackward<Tensor>();
        if (outputGradient is null) return null;
        var inputGradient = ScratchLike(context, Path + ".softmax.dx", output);
        context.Recorder.SoftmaxBackward(output, outputGradient, inputGradient, Dim);
        return inputGradient;
    }
}

/// <summary><c>l2_normalize(dim, eps)</c>: <c>x / max(‖x‖, eps)</c> along one dimension, as PyTorch's <c>F.normalize</c>.</summary>
/// <param name="dim">The dimension (negative counts from the end).</param>
/// <param name="eps">Lower bound of the norm.</param>
public sealed class L2Normalize(int dim, float eps) : UnaryPrimitive
{
    /// <summary>The dimension (negative counts from the end).</summary>
    public int Dim { get; } = dim;

    /// <summary>Lower bound of the norm.</summary>
    public float Eps { get; } = eps;

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Require(Dim >= -input.Rank && Dim < input.Rank, Describe(this), $"has dim = {Dim}, but '{input.Name}' [{input.ShapeText}] has {input.Rank} dimensions.");
        var output = ScratchLike(context, Path + ".normalized", input);
        context.Recorder.L2Normalize(input, output, Dim, Eps);
        SaveForBackward(context, input);
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = RestoreForBackward<Tensor>();
        if (outputGradient is null) return null;
        var inputGradient = ScratchLike(context, Path + ".normalized.dx", input);
        context.Recorder.L2NormalizeBackward(input, outputGradient, inputGradient, Dim, Eps);
        return inputGradient;
    }
}
