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
    public GroupNorm(int groups, int channels, float eps)
    {
        if (groups < 1 || channels < 1 || channels % groups != 0 || !(eps >= 0))
        {
            throw new ArgumentException($"group_norm({groups}, {channels}, eps: {eps}): groups must divide the channels and eps must be at least 0.");
        }
        Groups = groups;
        Channels = channels;
        _eps = eps;
        Weight = RegisterParameter("weight", [channels], ParameterInit.Ones, weightDecay: false);
        Bias = RegisterParameter("bias", [channels], ParameterInit.Zeros, weightDecay: false);
    }

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
        context.Recorder.GroupNorm(input, Weight.Value, Bias.Value, output, mean, rstd, Groups, _eps);
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
        var weightGradient = Scratch(context, Path + ".dweight", Channels);
        var biasGradient = Scratch(context, Path + ".dbias", Channels);
        context.Recorder.GroupNormBackward(input, outputGradient, Weight.Value, mean, rstd, inputGradient, weightGradient, biasGradient, Groups);
        AddToGrad(context, Weight, weightGradient);
        AddToGrad(context, Bias, biasGradient);
        return inputGradient;
    }
}
