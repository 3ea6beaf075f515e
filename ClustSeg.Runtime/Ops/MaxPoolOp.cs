using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrappers of max_pool.comp and its backward: 2D max pooling of NCHW tensors with a square kernel, stride and
/// padding (padding never wins), floor-mode output size, as PyTorch's <c>nn.MaxPool2d(k, s, p)</c>.
/// </summary>
public static class MaxPoolOp
{
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Planes, uint InH, uint InW, uint OutH, uint OutW, uint Kernel, uint Stride, uint Padding);

    /// <summary>Output size along one axis: floor((size + 2 padding - kernel) / stride) + 1.</summary>
    public static int OutputSize(int size, int kernel, int stride, int padding) => (size + 2 * padding - kernel) / stride + 1;

    /// <summary>
    /// Records <paramref name="y"/> [N, C, H', W'] = max over each window of <paramref name="x"/> [N, C, H, W], and the
    /// winners' positions within their input plane (iy * W + ix) in the int32 tensor <paramref name="indices"/>
    /// (shaped like <paramref name="y"/>) for <see cref="MaxPoolBackward"/>.
    /// </summary>
    public static void MaxPool(this CommandRecorder recorder, Tensor x, Tensor y, Tensor indices, int kernel, int stride, int padding = 0)
    {
        var push = Check("MaxPool", "x", x, "y", y, indices, kernel, stride, padding);
        var pipeline = recorder.Device.GetKernel(new KernelSpec("max_pool", 3, 32));
        recorder.Dispatch(pipeline, PlaneGrid.For(y), push, Binding.Read(x), Binding.Write(y), Binding.Write(indices));
    }

    /// <summary>
    /// Records the backward of <see cref="MaxPool"/>: each input element of <paramref name="dx"/> [N, C, H, W] gets the
    /// sum of <paramref name="dy"/> over the windows that chose it (written, not accumulated; no atomics).
    /// </summary>
    public static void MaxPoolBackward(this CommandRecorder recorder, Tensor dy, Tensor indices, Tensor dx, int kernel, int stride, int padding = 0)
    {
        var push = Check("MaxPoolBackward", "dx", dx, "dy", dy, indices, kernel, stride, padding);
        var pipeline = recorder.Device.GetKernel(new KernelSpec("max_pool_backward", 3, 32));
        recorder.Dispatch(pipeline, PlaneGrid.For(dx), push, Binding.Read(dy), Binding.Read(indices), Binding.Write(dx));
    }

    private static Push Check(string op, string inputName, Tensor input, string outputName, Tensor output, Tensor indices, int kernel, int stride, int padding)
    {
        ShapeCheck.That(kernel > 0 && stride > 0 && padding >= 0 && padding <= kernel / 2, op,
            $"kernel {kernel}, stride {stride}, padding {padding}: need kernel > 0, stride > 0 and 0 <= padding <= kernel / 2.");
        ShapeCheck.Rank(op, inputName, input, 4);
        ShapeCheck.That(input.Dim(2) + 2 * padding >= kernel && input.Dim(3) + 2 * padding >= kernel, op,
            $"the padded input [{input.ShapeText}] (padding {padding}) is smaller than the {kernel}x{kernel} kernel.");
        int oh = OutputSize(input.Dim(2), kernel, stride, padding), ow = OutputSize(input.Dim(3), kernel, stride, padding);
        ShapeCheck.Exactly(op, outputName, output, input.Dim(0), input.Dim(1), oh, ow);
        ShapeCheck.Exactly(op, "indices", indices, input.Dim(0), input.Dim(1), oh, ow);
        ShapeCheck.DType(op, "indices", indices, DType.I32);
        return new Push((uint)(input.Dim(0) * input.Dim(1)), (uint)input.Dim(2), (uint)input.Dim(3), (uint)oh, (uint)ow,
            (uint)kernel, (uint)stride, (uint)padding);
    }
}
