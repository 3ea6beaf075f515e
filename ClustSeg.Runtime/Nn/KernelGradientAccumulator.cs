using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Nn;

/// <summary>Sums gradients on the device: records one add kernel into a new tensor from the context's scratch arena.</summary>
public sealed class KernelGradientAccumulator : IGradientAccumulator
{
    /// <summary>The shared instance (the accumulator keeps no state).</summary>
    public static KernelGradientAccumulator Instance { get; } = new();

    /// <inheritdoc />
    public Tensor Add(ModuleContext context, Tensor accumulated, Tensor incoming)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(accumulated);
        ArgumentNullException.ThrowIfNull(incoming);
        var sum = context.Scratch.Allocate(accumulated.Name + "+", DType.F32, accumulated.Shape.ToArray());
        context.Recorder.Add(accumulated, incoming, sum);
        return sum;
    }
}
