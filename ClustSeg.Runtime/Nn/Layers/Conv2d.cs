using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary>
/// <c>conv2d</c>: 2D convolution of NCHW input with a square kernel, as PyTorch's <c>nn.Conv2d</c>; weight
/// [out_channels, in_channels / groups, kernel, kernel] and optional bias [out_channels].
/// </summary>
public sealed class Conv2d : UnaryPrimitive
{
    private readonly Conv2dGeometry _geometry;

    /// <summary>Creates the layer and registers <c>weight</c> (and <c>bias</c>) with PyTorch's default initialisation.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Kernel height and width.</param>
    /// <param name="stride">Stride along both axes.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="dilation">Dilation along both axes.</param>
    /// <param name="groups">Groups; divides both channel counts.</param>
    /// <param name="bias">Whether a bias is learned.</param>
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, int groups, bool bias)
    {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0 || dilation < 1 || groups < 1
            || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException(
                $"conv2d({inChannels}, {outChannels}, kernel: {kernel}, stride: {stride}, padding: {padding}, dilation: {dilation}, groups: {groups}): " +
                "sizes, stride and dilation must be at least 1, padding at least 0, and groups must divide both channel counts.");
        }
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        _geometry = Conv2dGeometry.Square(stride, padding, dilation, groups);
        var fanIn = inChannels / groups * kernel * kernel;
        Weight = RegisterParameter("weight", [outChannels, inChannels / groups, kernel, kernel], ParameterInit.PyTorchDefault(fanIn));
        if (bias) Bias = RegisterParameter("bias", [outChannels], ParameterInit.PyTorchDefault(fanIn), weightDecay: false);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size.</summary>
    public int Kernel { get; }

    /// <summary>The weight [out_channels, in_channels / groups, kernel, kernel].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias [out_channels], or null without one.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 4, "[B, C, H, W]", Describe(this));
        Require(input.Dim(1) == InChannels, Describe(this), $"expects {InChannels} input channels, got '{input.Name}' [{input.ShapeText}].");
        var (outH, outW) = _geometry.OutputSize(input.Dim(2), input.Dim(3), Kernel, Kernel);
        Require(outH >= 1 && outW >= 1, Describe(this), $"the {Kernel}x{Kernel} kernel does not fit the padded input '{input.Name}' [{input.ShapeText}].");
        var output = Scratch(context, Path + ".out", input.Dim(0), OutChannels, outH, outW);
        context.Recorder.Conv2d(input, Weight.Value, Bias?.Value, output, _geometry);
        SaveForBackward(context, input);
        return output;
    }

    /// <summary>
    /// Records the parameter gradients and returns the input gradient, or null without recording it when the context
    /// says no one reads it (<see cref="ModuleContext.NeedsGradient"/>, e.g. for the convolution that reads the image).
    /// </summary>
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = RestoreForBackward<Tensor>();
        if (outputGradient is null) return null;
        Tensor? inputGradient = null;
        if (context.NeedsGradient(input))
        {
            inputGradient = ScratchLike(context, Path + ".dx", input);
            context.Recorder.Conv2dBackward(input, Weight.Value, outputGradient, inputGradient, null, null, _geometry);
        }
        context.Recorder.Conv2dBackward(input, Weight.Value, outputGradient, null, Weight.Grad, Bias?.Grad, _geometry, accumulate: true);
        return inputGradient;
    }
}
