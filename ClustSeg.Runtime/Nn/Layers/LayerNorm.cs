using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary>
/// <c>layer_norm</c>: LayerNorm over the last dimension with a learned scale and shift, as PyTorch's
/// <c>nn.LayerNorm(dim)</c>; weight [dim] (ones), bias [dim] (zeros).
/// </summary>
public sealed class LayerNorm : UnaryPrimitive
{
    private readonly float _eps;

    /// <summary>Creates the layer and registers <c>weight</c> and <c>bias</c>.</summary>
    /// <param name="dim">Width of the last dimension.</param>
    /// <param name="eps">Added to the variance.</param>
    public LayerNorm(int dim, float eps)
    {
        if (dim < 1 || !(eps >= 0)) throw new ArgumentException($"layer_norm({dim}, eps: {eps}): dim must be at least 1 and eps at least 0.");
        Dim = dim;
        _eps = eps;
        Weight = RegisterParameter("weight", [dim], ParameterInit.Ones, weightDecay: false);
        Bias = RegisterParameter("bias", [dim], ParameterInit.Zeros, weightDecay: false);
    }

    /// <summary>Width of the normalised dimension.</summary>
    public int Dim { get; }

    /// <summary>The scale [dim].</summary>
    public Parameter Weight { get; }

    /// <summary>The shift [dim].</summary>
    public Parameter Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Require(input.Rank >= 1 && input.Dim(-1) == Dim, Describe(this), $"expects a last dimension of {Dim}, got '{input.Name}' [{input.ShapeText}].");
        var rows = checked((int)(input.ElementCount / Dim));
        var output = ScratchLike(context, Path + ".out", input);
        var mean = Scratch(context, Path + ".mean", rows);
        var rstd = Scratch(context, Path + ".rstd", rows);
        context.Recorder.LayerNorm(input, Weight.Value, Bias.Value, output, mean, rstd, _eps);
        SaveForBackward(context, (input, mean, rstd));
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (input, mean, rstd) = RestoreForBackward<(Tensor, Tensor, Tensor)>();
        if (outputGradient is null) return null;
        var inputGradient = ScratchLike(context, Path + ".dx", input);
        var weightGradient = Scratch(context, Path + ".dweight", Dim);
        var biasGradient = Scratch(context, Path + ".dbias", Dim);
        context.Recorder.LayerNormBackward(input, outputGradient, Weight.Value, mean, rstd, inputGradient, weightGradient, biasGradient);
        AddToGrad(context, Weight, weightGradient);
        AddToGrad(context, Bias, biasGradient);
        return inputGradient;
    }
}
