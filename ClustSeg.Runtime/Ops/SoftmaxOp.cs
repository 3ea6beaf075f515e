using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrappers of softmax.comp and softmax_backward.comp: softmax and log-softmax along any axis (the cluster
/// axis for RCross, the key axis for attention), computed in a numerically stable way (max subtracted).
/// </summary>
public static class SoftmaxOp
{
    private const uint ColumnGroupSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Outer, uint Axis, uint Inner);

    /// <summary>Records <c>y = exp(x) / sum(exp(x))</c> along <paramref name="axis"/> (negative counts from the end).</summary>
    public static void Softmax(this CommandRecorder recorder, Tensor x, Tensor y, int axis) =>
        Forward(recorder, "Softmax", x, y, axis, log: false);

    /// <summary>Records <c>y = x - log(sum(exp(x)))</c> along <paramref name="axis"/> (negative counts from the end).</summary>
    public static void LogSoftmax(this CommandRecorder recorder, Tensor x, Tensor y, int axis) =>
        Forward(recorder, "LogSoftmax", x, y, axis, log: true);

    /// <summary>Records the softmax backward <c>dx = y * (dy - sum(dy * y))</c> from the forward output <paramref name="y"/>.</summary>
    public static void SoftmaxBackward(this CommandRecorder recorder, Tensor y, Tensor dy, Tensor dx, int axis) =>
        Backward(recorder, "SoftmaxBackward", y, dy, dx, axis, log: false);

    /// <summary>Records the log-softmax backward <c>dx = dy - exp(y) * sum(dy)</c> from the forward output <paramref name="y"/>.</summary>
    public static void LogSoftmaxBackward(this CommandRecorder recorder, Tensor y, Tensor dy, Tensor dx, int axis) =>
        Backward(recorder, "LogSoftmaxBackward", y, dy, dx, axis, log: true);

    private static void Forward(CommandRecorder recorder, string op, Tensor x, Tensor y, int axis, bool log)
    {
        ShapeCheck.Same(op, "x", x, "y", y);
        var push = Split(op, x, axis);
        Dispatch(recorder, "softmax", 2, push, log, Binding.Read(x), Binding.Write(y));
    }

    private static void Backward(CommandRecorder recorder, string op, Tensor y, Tensor dy, Tensor dx, int axis, bool log)
    {
        ShapeCheck.Same(op, "y", y, "dy", dy);
        ShapeCheck.Same(op, "y", y, "dx", dx);
        var push = Split(op, y, axis);
        Dispatch(recorder, "softmax_backward", 3, push, log, Binding.Read(y), Binding.Read(dy), Binding.Write(dx));
    }

    private static void Dispatch(CommandRecorder recorder, string shader, int buffers, Push push, bool log, params ReadOnlySpan<Binding> bindings)
    {
        // A contiguous axis is shared by a workgroup's lanes; otherwise each invocation owns one strided column.
        var rows = push.Inner == 1;
        // On CPU devices a row gets one subgroup (see ReductionWidth): more lanes only idle and deepen the barrier tree.
        var groupSize = !rows ? ColumnGroupSize
            : recorder.Device.Info.Kind == Vulkan.DeviceKind.Cpu ? Gemm.LanesFor(recorder.Device.Info)
            : push.Axis <= 256 ? 64u : 256u;
        var kernel = recorder.Device.GetKernel(new KernelSpec(shader, buffers, 12, groupSize, SpecConstant.Bool(rows), SpecConstant.Bool(log)));
        var groups = rows ? Groups.For1D(push.Outer, 1) : Groups.For1D((long)push.Outer * push.Inner, groupSize);
        recorder.Dispatch(kernel, groups, push, bindings);
    }

    private static Push Split(string op, Tensor x, int axis)
    {
        var (outer, size, inner) = AxisSplit.Around(op, x, axis);
        return new Push(outer, size, inner);
    }
}
