using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Models;

/// <summary>Sums fanned-out gradients on the device into a new scratch tensor.</summary>
public sealed class DeviceGradientAccumulator : IGradientAccumulator
{
    /// <summary>The one instance (it keeps no state).</summary>
    public static DeviceGradientAccumulator Instance { get; } = new();

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
