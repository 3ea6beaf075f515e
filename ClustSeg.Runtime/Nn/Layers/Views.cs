using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary><c>flatten</c>: [B, C, H, W, ...] to [B, C, H·W·...], a view of the same memory.</summary>
public sealed class Flatten : UnaryPrimitive
{
    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Require(input.Rank >= 3, Describe(this), $"flattens the dimensions after the second, so it needs at least 3; got '{input.Name}' [{input.ShapeText}].");
        SaveForBackward(context, input.Shape.ToArray());
        return input.Reshape(input.Dim(0), input.Dim(1), checked((int)(input.ElementCount / ((long)input.Dim(0) * input.Dim(1)))));
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shape = RestoreForBackward<int[]>();
        return outputGradient?.Reshape(shape);
    }
}

/// <summary><c>unflatten(x, like)</c>: [B, C, H·W] to [B, C, H, W] with like's H and W, a view; no gradient to like.</summary>
public sealed class Unflatten : BinaryPrimitive
{
    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        RequireRank(first, 3, "[B, C, N]", Describe(this));
        RequireRank(second, 4, "[B, C, H, W]", Describe(this), "size reference (like)");
        Require(first.Dim(2) == second.Dim(2) * second.Dim(3), Describe(this),
            $"needs '{first.Name}' [{first.ShapeText}] to have H*W = {second.Dim(2) * second.Dim(3)} positions like '{second.Name}' [{second.ShapeText}].");
        SaveForBackward(context, first.Shape.ToArray());
        return first.Reshape(first.Dim(0), first.Dim(1), second.Dim(2), second.Dim(3));
    }

    /// <inheritdoc />
    public override (Tensor? First, Tensor? Second) Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shape = RestoreForBackward<int[]>();
        return (outputGradient?.Reshape(shape), null);
    }
}

/// <summary><c>transpose</c>: swaps the last two dimensions ([B, C, N] to [B, N, C]).</summary>
public sealed class Transpose : UnaryPrimitive
{
    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Require(input.Rank >= 2, Describe(this), $"swaps the last two dimensions, so it needs at least 2; got '{input.Name}' [{input.ShapeText}].");
        SaveForBackward(context, 0);
        return Transposed(context, input, Path + ".transpose");
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        RestoreForBackward<int>();
        return outputGradient is null ? null : Transposed(context, outputGradient, Path + ".transpose.dx");
    }
}

/// <summary><c>expand_batch(x, like)</c>: [R, D] to [B, R, D] with like's batch size; the gradient is summed over the batch.</summary>
public sealed class ExpandBatch : BinaryPrimitive
{
    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        RequireRank(first, 2, "[R, D]", Describe(this));
        Require(second.Rank >= 1, Describe(this), $"takes the batch size from dimension 0 of '{second.Name}', which has none.");
        int batch = second.Dim(0), rows = first.Dim(0), width = first.Dim(1);
        var output = Scratch(context, Path + ".expand", batch, rows, width);
        var ones = Ones(context, batch);
        // A rank-1 product broadcasts: [B, 1] x [1, R*D] repeats the table once per sample.
        context.Recorder.Matmul(ones, first.Reshape(1, rows * width), output.Reshape(batch, rows * width));
        SaveForBackward(context, ones);
        return output;
    }

    /// <inheritdoc />
    public override (Tensor? First, Tensor? Second) Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ones = RestoreForBackward<Tensor>();
        if (outputGradient is null) return (null, null);
        int batch = outputGradient.Dim(0), rows = outputGradient.Dim(1), width = outputGradient.Dim(2);
        var inputGradient = Scratch(context, Path + ".expand.dx", rows, width);
        // onesᵀ [1, B] x dy [B, R*D] sums the samples.
        context.Recorder.Matmul(ones, outputGradient.Reshape(batch, rows * width), inputGradient.Reshape(1, rows * width), transposeA: true);
        return (inputGradient, null);
    }

    private Tensor Ones(ModuleContext context, int batch)
    {
        var ones = Scratch(context, Path + ".expand.ones", batch, 1);
        context.Recorder.Fill(ones, 1f);
        return ones;
    }
}
