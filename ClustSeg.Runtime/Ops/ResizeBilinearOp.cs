using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrappers of resize_bilinear.comp and its backward: bilinear resize of NCHW tensors to the output's size,
/// up or down, with PyTorch's align_corners = false rule (source = (dst + 0.5) * in / out - 0.5, clamped at 0).
/// </summary>
public static class ResizeBilinearOp
{
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Planes, uint InH, uint InW, uint OutH, uint OutW, float ScaleY, float ScaleX);

    /// <summary>Records the resize of <paramref name="x"/> [N, C, H, W] to the size of <paramref name="y"/> [N, C, H', W'].</summary>
    public static void ResizeBilinear(this CommandRecorder recorder, Tensor x, Tensor y)
    {
        var push = Check("ResizeBilinear", "x", x, "y", y);
        // Rows of whole vec4s: one invocation per 4 outputs of a row, and one vector store.
        var quads = y.Dim(3) % 4 == 0;
        var kernel = recorder.Device.GetKernel(new KernelSpec("resize_bilinear", 2, 28, SpecConstant.Bool(quads)));
        var grid = PlaneGrid.For(y);
        if (quads && grid.X > 0) grid.X = Groups.CeilDiv(y.Dim(3) / 4, 16);
        recorder.Dispatch(kernel, grid, push, Binding.Read(x), Binding.Write(y));
    }

    /// <summary>
    /// Records the backward of <see cref="ResizeBilinear"/>: <paramref name="dx"/> [N, C, H, W] from the output's
    /// gradient <paramref name="dy"/> [N, C, H', W'] (written, not accumulated; no atomics).
    /// </summary>
    public static void ResizeBilinearBackward(this CommandRecorder recorder, Tensor dy, Tensor dx)
    {
        var push = Check("ResizeBilinearBackward", "dx", dx, "dy", dy);
        var kernel = recorder.Device.GetKernel(new KernelSpec("resize_bilinear_backward", 2, 28));
        recorder.Dispatch(kernel, PlaneGrid.For(dx), push, Binding.Read(dy), Binding.Write(dx));
    }

    private static Push Check(string op, string inputName, Tensor input, string outputName, Tensor output)
    {
        ShapeCheck.Rank(op, inputName, input, 4);
        ShapeCheck.Rank(op, outputName, output, 4);
        ShapeCheck.That(input.Dim(0) == output.Dim(0) && input.Dim(1) == output.Dim(1), op,
            $"'{inputName}' [{input.ShapeText}] and '{outputName}' [{output.ShapeText}] must agree in N and C.");
        ShapeCheck.That(input.Dim(2) > 0 && input.Dim(3) > 0 || output.ElementCount == 0, op,
            $"'{inputName}' [{input.ShapeText}] has an empty plane to sample from.");
        // PyTorch computes the scale in float, so the same rounding reaches the taps.
        return new Push((uint)(input.Dim(0) * input.Dim(1)), (uint)input.Dim(2), (uint)input.Dim(3), (uint)output.Dim(2), (uint)output.Dim(3),
            (float)input.Dim(2) / output.Dim(2), (float)input.Dim(3) / output.Dim(3));
    }
}
