using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Tests.Generator;

/// <summary>Sums gradients on the host (download, add, upload into a new scratch tensor), for tests without an add kernel.</summary>
internal sealed class HostGradientAccumulator : IGradientAccumulator
{
    public int Calls { get; private set; }

    public Tensor Add(ModuleContext context, Tensor accumulated, Tensor incoming)
    {
        Calls++;
        var a = context.Device.Download<float>(accumulated);
        var b = context.Device.Download<float>(incoming);
        for (var i = 0; i < a.Length; i++) a[i] += b[i];
        var sum = context.Scratch.Allocate(accumulated.Name + "+", DType.F32, accumulated.Shape.ToArray());
        context.Device.Upload<float>(sum, a);
        return sum;
    }
}
