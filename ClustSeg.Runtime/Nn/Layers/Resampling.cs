using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary><c>resize_bilinear(factor)</c>: bilinear upsampling of [B, C, H, W] by an integer factor (align_corners = false).</summary>
public sealed class ResizeBilinear : UnaryPrimitive
{
    /// <summary>Creates the layer.</summary>
    /// <param name="factor">The integer scale factor of both axes.</param>
    public ResizeBilinear(int factor)
    {
        if (factor < 1) throw new ArgumentException($"resize_bilinear(factor: {factor}): the factor must be at least 1.");
        Factor = factor;
    }

    /// <summary>The scale factor.</summary>
    public int Factor { get; }

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 4, "[B, C, H, W]", Describe(this));
        var output = Scratch(context, Path + ".resize", input.Dim(0), input.Dim(1), input.Dim(2) * Factor, input.Dim(3) * Factor);
        context.Recorder.ResizeBilinear(input, output);
        SaveForBackward(context, input.Shape.ToArray());
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shape = RestoreForBackward<int[]>();
        if (outputGradient is null) return null;
        var inputGradient = Scratch(context, Path + ".resize.dx", shape);
        context.Recorder.ResizeBilinearBackward(outputGradient, inputGradient);
        return inputGradient;
    }
}

/// <summary><c>resize_bilinear(x, like: y)</c>: bilinear resize of x to like's H×W (align_corners = false); no gradient to like.</summary>
public sealed class ResizeBilinearLike : BinaryPrimitive
{
    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        RequireRank(first, 4, "[B, C, H, W]", Describe(this));
        RequireRank(second, 4, "[B, C, H, W]", Describe(this), "size reference (like)");
        var output = Scratch(context, Path + ".resize", first.Dim(0), first.Dim(1), second.Dim(2), second.Dim(3));
        context.Recorder.ResizeBilinear(first, output);
        SaveForBackward(context, first.Shape.ToArray());
        return output;
    }

    /// <inheritdoc />
    public override (Tensor? First, Tensor? Second) Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shape = RestoreForBackward<int[]>();
        if (outputGradient is null) return (null, null);
        var inputGradient = Scratch(context, Path + ".resize.dx", shape);
        context.Recorder.ResizeBilinearBackward(outputGradient, inputGradient);
        return (inputGradient, null);
    }
}

/// <summary><c>adaptive_avg_pool(out_h, out_w)</c>: average pooling of [B, C, H, W] to out_h×out_w cells with PyTorch's cell bounds.</summary>
public sealed class AdaptiveAvgPool2d : UnaryPrimitive
{
    /// <summary>Creates the layer.</summary>
    /// <param name="outH">Output height.</param>
    /// <param name="outW">Output width.</param>
    public AdaptiveAvgPool2d(int outH, int outW)
    {
        if (outH < 1 || outW < 1) throw new ArgumentException($"adaptive_avg_pool({outH}, {outW}): both output sizes must be at least 1.");
        OutH = outH;
        OutW = outW;
    }

    /// <summary>Output height.</summary>
    public int OutH { get; }

    /// <summary>Output width.</summary>
    public int OutW { get; }

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 4, "[B, C, H, W]", Describe(this));
        var output = Scratch(context, Path + ".pool", input.Dim(0), input.Dim(1), OutH, OutW);
        context.Recorder.AdaptiveAvgPool(input, output);
        SaveForBackward(context, input.Shape.ToArray());
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shape = RestoreForBackward<int[]>();
        if (outputGradient is null) return null;
        var inputGradient = Scratch(context, Path + ".pool.dx", shape);
        context.Recorder.AdaptiveAvgPoolBackward(outputGradient, inputGradient);
        return inputGradient;
    }
}

/// <summary><c>max_pool(kernel, stride, padding)</c>: max pooling of [B, C, H, W] with a square window, as PyTorch's <c>nn.MaxPool2d</c>.</summary>
public sealed class MaxPool2d : UnaryPrimitive
{
    /// <summary>Creates the layer.</summary>
    /// <param name="kernel">Window size.</param>
    /// <param name="stride">Step between windows.</param>
    /// <param name="padding">Implicit padding on every side (never wins); at most half the kernel.</param>
    public MaxPool2d(int kernel, int stride, int padding)
    {
        if (kernel < 1 || stride < 1 || padding < 0 || padding > kernel / 2)
        {
            throw new ArgumentException($"max_pool({kernel}, stride: {stride}, padding: {padding}): needs kernel and stride at least 1 and 0 <= padding <= kernel / 2.");
        }
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
    }

    /// <summary>Window size.</summary>
    public int Kernel { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Padding on every side.</summary>
    public int Padding { get; }

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 4, "[B, C, H, W]", Describe(this));
        Require(input.Dim(2) + 2 * Padding >= Kernel && input.Dim(3) + 2 * Padding >= Kernel, Describe(this),
            $"the {Kernel}x{Kernel} window does not fit the padded input '{input.Name}' [{input.ShapeText}].");
        int outH = MaxPoolOp.OutputSize(input.Dim(2), Kernel, Stride, Padding), outW = MaxPoolOp.OutputSize(input.Dim(3), Kernel, Stride, Padding);
        var output = Scratch(context, Path + ".pool", input.Dim(0), input.Dim(1), outH, outW);
        var winners = context.Scratch.Allocate(Path + ".pool.winners", DType.I32, output.Shape.ToArray());
        context.Recorder.MaxPool(input, output, winners, Kernel, Stride, Padding);
        SaveForBackward(context, (input.Shape.ToArray(), winners));
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (shape, winners) = RestoreForBackward<(int[], Tensor)>();
        if (outputGradient is null) return null;
        var inputGradient = Scratch(context, Path + ".pool.dx", shape);
        context.Recorder.MaxPoolBackward(outputGradient, winners, inputGradient, Kernel, Stride, Padding);
        return inputGradient;
    }
}
