using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Nn;

// The contract between generated blocks and the kernel-backed layers in ClustSeg.Runtime.Nn.Layers. A layer's
// Forward records its kernels, allocates its output from context.Scratch, and (via SaveForBackward) keeps what
// Backward needs. Backward pops that state, adds parameter gradients into Parameter.Grad, and returns the input
// gradients; a null output gradient means zero (Backward must still pop its state). Forward validates input
// shapes and names the layer (DisplayPath) in its error.

/// <summary>A layer with one tensor input (conv2d, linear, relu, ...).</summary>
public abstract class UnaryPrimitive : Module
{
    /// <summary>Records the forward pass of <paramref name="input"/>.</summary>
    public abstract Tensor Forward(ModuleContext context, Tensor input);

    /// <summary>Records the backward pass of the most recent unconsumed Forward; returns the input gradient (null where none flows).</summary>
    public abstract Tensor? Backward(ModuleContext context, Tensor? outputGradient);
}

/// <summary>A layer with two tensor inputs (add, mul, matmul, resize_bilinear to another value's size, ...).</summary>
public abstract class BinaryPrimitive : Module
{
    /// <summary>Records the forward pass.</summary>
    public abstract Tensor Forward(ModuleContext context, Tensor first, Tensor second);

    /// <summary>Records the backward pass; returns the gradients of both inputs (null for an input without one, e.g. a size reference).</summary>
    public abstract (Tensor? First, Tensor? Second) Backward(ModuleContext context, Tensor? outputGradient);
}

/// <summary>A layer with three tensor inputs (em_step and attention: q, k, v).</summary>
public abstract class TernaryPrimitive : Module
{
    /// <summary>Records the forward pass.</summary>
    public abstract Tensor Forward(ModuleContext context, Tensor first, Tensor second, Tensor third);

    /// <summary>Records the backward pass; returns the gradients of the three inputs.</summary>
    public abstract (Tensor? First, Tensor? Second, Tensor? Third) Backward(ModuleContext context, Tensor? outputGradient);
}

/// <summary>A layer with any number of tensor inputs (concat).</summary>
public abstract class VariadicPrimitive : Module
{
    /// <summary>Records the forward pass of <paramref name="inputs"/>.</summary>
    public abstract Tensor Forward(ModuleContext context, IReadOnlyList<Tensor> inputs);

    /// <summary>Records the backward pass; returns one gradient per input of the matching Forward.</summary>
    public abstract Tensor?[] Backward(ModuleContext context, Tensor? outputGradient);
}

/// <summary>A layer with one tensor input and one integer given at each call (row_embedding's row).</summary>
public abstract class IndexedUnaryPrimitive : Module
{
    /// <summary>Records the forward pass of <paramref name="input"/> with the call's <paramref name="index"/>.</summary>
    public abstract Tensor Forward(ModuleContext context, Tensor input, int index);

    /// <summary>Records the backward pass; the index is part of the saved state.</summary>
    public abstract Tensor? Backward(ModuleContext context, Tensor? outputGradient);
}
