using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Tests.Support;

/// <summary>Test helpers to move double-precision test data to and from device tensors.</summary>
public static class DeviceTensors
{
    /// <summary>Allocates a scratch tensor holding <paramref name="values"/> (rounded to float32).</summary>
    public static Tensor Upload(this GpuDevice device, string name, double[] values, params int[] shape)
    {
        var tensor = device.Scratch.Allocate(name, DType.F32, shape);
        device.Upload<float>(tensor, Numerics.ToFloat(values));
        return tensor;
    }

    /// <summary>Allocates a scratch tensor holding integer <paramref name="values"/>.</summary>
    public static Tensor UploadInt(this GpuDevice device, string name, int[] values, params int[] shape)
    {
        var tensor = device.Scratch.Allocate(name, DType.I32, shape);
        device.Upload<int>(tensor, values);
        return tensor;
    }

    /// <summary>
    /// Allocates an output tensor filled with NaN, so any element a kernel fails to write shows up in the comparison.
    /// </summary>
    public static Tensor Poisoned(this GpuDevice device, string name, params int[] shape)
    {
        var tensor = device.Scratch.Allocate(name, DType.F32, shape);
        var nan = new float[tensor.ElementCount];
        Array.Fill(nan, float.NaN);
        device.Upload<float>(tensor, nan);
        return tensor;
    }

    /// <summary>Downloads a float tensor.</summary>
    public static float[] Read(this GpuDevice device, Tensor tensor) => device.Download<float>(tensor);
}
