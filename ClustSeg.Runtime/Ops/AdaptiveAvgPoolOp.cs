using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrappers of adaptive_avg_pool.comp and its backward: adaptive average pooling of NCHW tensors to the output's
/// size with PyTorch's cells (rows floor(i H / out) .. ceil((i + 1) H / out) - 1), as the grid seeds use them.
/// </summary>
public static class AdaptiveAvgPoolOp
{
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Planes, uint InH, uint InW, uint OutH, uint OutW);

    /// <summary>Records the pooling of <paramref name="x"/> [N, C, H, W] to the size of <paramref name="y"/> [N, C, H', W'].</summary>
    public static void AdaptiveAvgPool(this CommandRecorder recorder, Tensor x, Tensor y)
    {
        var push = Check("AdaptiveAvgPool", "x", x, "y", y);
        var kernel = recorder.Device.GetKernel(new KernelSpec("adaptive_avg_pool", 2, 20));
        recorder.Dispatch(kernel, PlaneGrid.For(y), push, Binding.Read(x), Binding.Write(y));
    }

    /// <summary>
    /// Records the backward of <see cref="AdaptiveAvgPool"/>: <paramref name="dx"/> [N, C, H, W] from the output's
    /// gradient <paramref name="dy"/> [N, C, H', W'] (written, not accumulated; no atomics).
    /// </summary>
    public static void AdaptiveAvgPoolBackward(this CommandRecorder recorder, Tensor dy, Tensor dx)
    {
        var push = Check("AdaptiveAvgPoolBackward", "dx", dx, "dy", dy);
        var kernel = recorder.Device.GetKernel(new KernelSpec("adaptive_avg_pool_backward", 2, 20));
        recorder.Dispatch(kernel, PlaneGrid.For(dx), push, Binding.Read(dy), Binding.Write(dx));
    }

    private static Push Check(string op, string inputName, Tensor input, string outputName, Tensor output)
    {
        ShapeCheck.Rank(op, inputName, input, 4);
        ShapeCheck.Rank(op, outputName, output, 4);
        ShapeCheck.That(input.Dim(0) == output.Dim(0) && input.Dim(1) == output.Dim(1), op,
            $"'{inputName}' [{input.ShapeText}] and '{outputName}' [{output.ShapeText}] must agree in N and C.");
        ShapeCheck.That(input.Dim(2) > 0 && input.Dim(3) > 0 || output.ElementCount == 0, op,
            $"'{inputName}' [{input.ShapeText}] has an empty plane to pool.");
        return new Push((uint)(input.Dim(0) * input.Dim(1)), (uint)input.Dim(2), (uint)input.Dim(3), (uint)output.Dim(2), (uint)output.Dim(3));
    }
}
