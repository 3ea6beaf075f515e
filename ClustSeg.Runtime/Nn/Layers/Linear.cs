using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary>
/// <c>linear</c>: <c>y = x Wᵀ + b</c> over the last dimension of any-rank input, as PyTorch's <c>nn.Linear</c>;
/// weight [out_features, in_features], optional bias [out_features].
/// </summary>
public sealed class Linear : UnaryPrimitive
{
    /// <summary>Creates the layer and registers <c>weight</c> (and <c>bias</c>) with PyTorch's default initialisation.</summary>
    /// <param name="inFeatures">Width of the input's last dimension.</param>
    /// <param name="outFeatures">Width of the output's last dimension.</param>
    /// <param name="bias">Whether a bias is learned.</param>
    public Linear(int inFeatures, int outFeatures, bool bias)
    {
        if (inFeatures < 1 || outFeatures < 1)
        {
            throw new ArgumentException($"linear({inFeatures}, {outFeatures}): both feature counts must be at least 1.");
        }
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", [outFeatures, inFeatures], ParameterInit.PyTorchDefault(inFeatures));
        if (bias) Bias = RegisterParameter("bias", [outFeatures], ParameterInit.PyTorchDefault(inFeatures), weightDecay: false);
    }

    /// <summary>Input width.</summary>
    public int InFeatures { get; }

    /// <summary>Output width.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight [out_features, in_features].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias [out_features], or null without one.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Require(input.Rank >= 1 && input.Dim(-1) == InFeatures, Describe(this),
            $"expects {InFeatures} features in the last dimension, got '{input.Name}' [{input.ShapeText}].");
        var rows = checked((int)(input.ElementCount / InFeatures));
        var shape = input.Shape.ToArray();
        shape[^1] = OutFeatures;
        var output = Scratch(context, Path + ".out", shape);
        context.Recorder.Matmul(input.Reshape(rows, InFeatures), Weight.Value, output.Reshape(rows, OutFeatures), transposeB: true, bias: Bias?.Value);
        SaveForBackward(context, input);
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = RestoreForBackward<Tensor>();
        if (outputGradient is null) return null;
        var rows = checked((int)(input.ElementCount / InFeatures));
        var x = input.Reshape(rows, InFeatures);
        var dy = outputGradient.Reshape(rows, OutFeatures);
        var inputGradient = ScratchLike(context, Path + ".dx", input);
        context.Recorder.MatmulBackward(x, Weight.Value, dy, inputGradient.Reshape(rows, InFeatures), null, transposeB: true);
        context.Recorder.MatmulBackward(x, Weight.Value, dy, null, Weight.Grad, Bias?.Grad, transposeB: true, accumulate: true);
        return inputGradient;
    }
}
