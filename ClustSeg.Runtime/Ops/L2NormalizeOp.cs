using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrappers of l2_normalize.comp and its backward: <c>y = x / max(||x||, eps)</c> along one axis, as PyTorch's
/// <c>F.normalize(x, dim=axis)</c>.
/// </summary>
public static class L2NormalizeOp
{
    /// <summary>PyTorch's default epsilon for <c>F.normalize</c>.</summary>
    public const float DefaultEpsilon = 1e-12f;

    private const uint ColumnGroupSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Outer, uint Axis, uint Inner, float Eps);

    /// <summary>Records the normalisation of <paramref name="x"/> along <paramref name="axis"/> (negative counts from the end).</summary>
    public static void L2Normalize(this CommandRecorder recorder, Tensor x, Tensor y, int axis, float epsilon = DefaultEpsilon)
    {
        ShapeCheck.Same("L2Normalize", "x", x, "y", y);
        Dispatch(recorder, "l2_normalize", 2, Split("L2Normalize", x, axis, epsilon), Binding.Read(x), Binding.Write(y));
    }

    /// <summary>Records the backward of <see cref="L2Normalize"/> from the forward input <paramref name="x"/>.</summary>
    public static void L2NormalizeBackward(this CommandRecorder recorder, Tensor x, Tensor dy, Tensor dx, int axis, float epsilon = DefaultEpsilon)
    {
        ShapeCheck.Same("L2NormalizeBackward", "x", x, "dy", dy);
        ShapeCheck.Same("L2NormalizeBackward", "x", x, "dx", dx);
        Dispatch(recorder, "l2_normalize_backward", 3, Split("L2NormalizeBackward", x, axis, epsilon),
            Binding.Read(x), Binding.Read(dy), Binding.Write(dx));
    }

    private static Push Split(string op, Tensor x, int axis, float epsilon)
    {
        var (outer, size, inner) = AxisSplit.Around(op, x, axis);
        return new Push(outer, size, inner, epsilon);
    }

    private static void Dispatch(CommandRecorder recorder, string shader, int buffers, Push push, params ReadOnlySpan<Binding> bindings)
    {
        var rows = push.Inner == 1;
        var groupSize = rows ? (push.Axis <= 256 ? 64u : 256u) : ColumnGroupSize;
        var kernel = recorder.Device.GetKernel(new KernelSpec(shader, buffers, 16, groupSize, SpecConstant.Bool(rows)));
        var groups = rows ? Groups.For1D(push.Outer, 1) : Groups.For1D((long)push.Outer * push.Inner, groupSize);
        recorder.Dispatch(kernel, groups, push, bindings);
    }
}
