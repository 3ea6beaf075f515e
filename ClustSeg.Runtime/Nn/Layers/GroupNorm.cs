using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary>
/// <c>group_norm</c>: GroupNorm over channel groups of [B, C, ...] input with a learned scale and shift per channel,
/// as PyTorch's <c>nn.GroupNorm</c>; weight [channels] (ones), bias [channels] (zeros).
/// </summary>
public sealed class GroupNorm : UnaryPrimitive
{
    private readonly float _eps;

    /// <summary>Creates the layer and registers <c>weight</c> and <c>bias</c>.</summary>
    /// <param name="groups">Channel groups; divides <paramref name="channels"/>.</param>
    /// <param name="channels">Channels of the input (dimension 1).</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="relu">
    /// Apply ReLU to the output in the same pass (<c>group_norm(..., relu: true)</c>): one pass over the tensor
    /// instead of two, and one fewer activation to keep. The backward masks the gradient with the output it kept.
    /// </param>
    public GroupNorm(int groups, int channels, float eps, bool relu = false)
    {
        if (groups < 1 || channels < 1 || channels % groups != 0 || !(eps >= 0))
        {
            throw new ArgumentException($"group_norm({groups}, {channels}, eps: {eps}): groups must divide the channels and eps must be at least 0.");
        }
        Groups = groups;
        Channels = channels;
        _eps = eps;
        Relu = relu;
        Weight = RegisterParameter("weight", [channels], ParameterInit.Ones, weightDecay: false);
        Bias = RegisterParameter("bias", [channels], ParameterInit.Zeros, weightDecay: false);
    }

    /// <summary>Whether ReLU follows the normalisation in the same pass.</summary>
    public bool Relu { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>Channels.</summary>
    public int Channels { get; }

    /// <summary>The per-channel scale [channels].</summary>
    public Parameter Weight { get; }

    /// <summary>The per-channel shift [channels].</summary>
    public Parameter Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Require(input.Rank >= 2 && input.Dim(1) == Channels, Describe(this),
            $"expects [B, {Channels}, ...] input, got '{input.Name}' [{input.ShapeText}].");
        var output = ScratchLike(context, Path + ".out", input);
        var mean = Scratch(context, Path + ".mean", input.Dim(0), Groups);
        var rstd = Scratch(context, Path + ".rstd", input.Dim(0), Groups);
        context.Recorder.GroupNorm(input, Weight.Value, Bias.Value, output, mean, rstd, Groups, _eps, Relu);
        SaveForBackward(context, (input, mean, rstd, output));
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (input, mean, rstd, output) = RestoreForBackward<(Tensor, Tensor, Tensor, Tensor)>();
        if (outputGradient is null) return null;
        if (Relu)
        {
            // The output is positive exactly where the normalised value was, so it masks the gradient as ReLU's input would.
            var masked = ScratchLike(context, Path + ".drelu", input);
            context.Recorder.ReluBackward(output, outputGradient, masked);
            outputGradient = masked;
        }
        var inputGradient = ScratchLike(context, Path + ".dx", input);
        var weightGradient = Scratch(context, Path + ".dweight", Channels);
        var biasGradient = Scratch(context, Path + ".dbias", Channels);
        context.Recorder.GroupNormBackward(input, outputGradient, Weight.Value, mean, rstd, inputGradient, weightGradient, biasGradient, Groups);
        AddToGrad(context, Weight, weightGradient);
        AddToGrad(context, Bias, biasGradient);
        return inputGradient;
    }
}
