using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary>
/// An element-wise activation whose backward reads the forward input: records the kernel, keeps the input, and on
/// backward records the matching gradient kernel.
/// </summary>
public abstract class InputActivation : UnaryPrimitive
{
    private protected abstract string Suffix { get; }

    private protected abstract void RecordForward(ModuleContext context, Tensor input, Tensor output);

    private protected abstract void RecordBackward(ModuleContext context, Tensor input, Tensor outputGradient, Tensor inputGradient);

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var output = ScratchLike(context, Path + "." + Suffix, input);
        RecordForward(context, input, output);
        SaveForBackward(context, input);
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = RestoreForBackward<Tensor>();
        if (outputGradient is null) return null;
        var inputGradient = ScratchLike(context, Path + "." + Suffix + ".dx", input);
        RecordBackward(context, input, outputGradient, inputGradient);
        return inputGradient;
    }
}

/// <summary><c>relu</c>: <c>max(x, 0)</c>.</summary>
public sealed class ReLU : InputActivation
{
    private protected override string Suffix => "relu";

    private protected override void RecordForward(ModuleContext context, Tensor input, Tensor output) =>
        context.Recorder.Relu(input, output);

    private protected override void RecordBackward(ModuleContext context, Tensor input, Tensor outputGradient, Tensor inputGradient) =>
        context.Recorder.ReluBackward(input, outputGradient, inputGradient);
}

/// <summary><c>gelu</c>: GELU with the exact normal CDF, <c>x Φ(x)</c> (PyTorch's default).</summary>
public sealed class Gelu : InputActivation
{
    private protected override string Suffix => "gelu";

    private protected override void RecordForward(ModuleContext context, Tensor input, Tensor output) =>
        context.Recorder.Gelu(input, output);

    private protected override void RecordBackward(ModuleContext context, Tensor input, Tensor outputGradient, Tensor inputGradient) =>
        context.Recorder.GeluBackward(input, outputGradient, inputGradient);
}

/// <summary><c>scale</c>: <c>x · factor</c> (also written <c>x * 0.5</c>).</summary>
/// <param name="factor">The constant factor.</param>
public sealed class Scale(float factor) : UnaryPrimitive
{
    /// <summary>The constant factor.</summary>
    public float Factor { get; } = factor;

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var output = ScratchLike(context, Path + ".scale", input);
        context.Recorder.Scale(input, Factor, output);
        SaveForBackward(context, 0);
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        RestoreForBackward<int>();
        if (outputGradient is null) return null;
        var inputGradient = ScratchLike(context, Path + ".scale.dx", outputGradient);
        context.Recorder.Scale(outputGradient, Factor, inputGradient);
        return inputGradient;
    }
}

/// <summary><c>add</c>: <c>a + b</c> of equal shapes (also written <c>a + b</c>).</summary>
public sealed class Add : BinaryPrimitive
{
    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        RequireSameShape(first, second, Describe(this));
        var output = ScratchLike(context, Path + ".add", first);
        context.Recorder.Add(first, second, output);
        SaveForBackward(context, 0);
        return output;
    }

    /// <summary>Both inputs receive the output's gradient itself (no kernel); callers never write into gradients.</summary>
    public override (Tensor? First, Tensor? Second) Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        RestoreForBackward<int>();
        return (outputGradient, outputGradient);
    }
}

/// <summary><c>mul</c>: elementwise <c>a · b</c> of equal shapes (also written <c>a * b</c>).</summary>
public sealed class Mul : BinaryPrimitive
{
    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        RequireSameShape(first, second, Describe(this));
        var output = ScratchLike(context, Path + ".mul", first);
        context.Recorder.Multiply(first, second, output);
        SaveForBackward(context, (first, second));
        return output;
    }

    /// <inheritdoc />
    public override (Tensor? First, Tensor? Second) Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (first, second) = RestoreForBackward<(Tensor, Tensor)>();
        if (outputGradient is null) return (null, null);
        var firstGradient = ScratchLike(context, Path + ".mul.da", first);
        var secondGradient = ScratchLike(context, Path + ".mul.db", second);
        context.Recorder.MultiplyBackward(first, second, outputGradient, firstGradient, secondGradient);
        return (firstGradient, secondGradient);
    }
}
