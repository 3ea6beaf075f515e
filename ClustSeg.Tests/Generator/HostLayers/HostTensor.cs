using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Tests.Generator.HostLayers;

/// <summary>Moves tensors between the device and double-precision host arrays for the host reference layers.</summary>
internal static class HostTensor
{
    public static double[] Read(ModuleContext context, Tensor tensor) => Array.ConvertAll(context.Device.Download<float>(tensor), v => (double)v);

    public static Tensor Write(ModuleContext context, string name, double[] values, IReadOnlyList<int> shape)
    {
        var tensor = context.Scratch.Allocate(name, DType.F32, shape.ToArray());
        context.Device.Upload<float>(tensor, Array.ConvertAll(values, v => (float)v));
        return tensor;
    }

    /// <summary>target += delta, as a parameter gradient accumulates.</summary>
    public static void AddInto(ModuleContext context, Tensor target, double[] delta)
    {
        var values = context.Device.Download<float>(target);
        for (var i = 0; i < values.Length; i++) values[i] += (float)delta[i];
        context.Device.Upload<float>(target, values);
    }
}
