using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrappers of elementwise.comp and elementwise_backward.comp: ReLU, GELU (erf form), scale, add, multiply and
/// accumulate-into, with their backward passes. Operands have identical shapes (no broadcasting). The output may be
/// one of the inputs (in place), since each element is read and written by one invocation.
/// </summary>
public static class ElementwiseOp
{
    private const uint GroupSize = 256;

    private enum Forward : uint { Relu = 0, Gelu = 1, Scale = 2, Add = 3, Multiply = 4, Accumulate = 5, MoveToward = 6 }

    private enum Backward : uint { Relu = 0, Gelu = 1 }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Count, float Alpha);

    /// <summary>Records <c>y = max(x, 0)</c>.</summary>
    public static void Relu(this CommandRecorder recorder, Tensor x, Tensor y) => Unary(recorder, Forward.Relu, "Relu", x, y, 0);

    /// <summary>Records <c>y = x * Phi(x)</c> (GELU with the exact normal CDF, PyTorch's default).</summary>
    public static void Gelu(this CommandRecorder recorder, Tensor x, Tensor y) => Unary(recorder, Forward.Gelu, "Gelu", x, y, 0);

    /// <summary>Records <c>y = alpha * x</c>; also the backward of itself (<c>dx = alpha * dy</c>).</summary>
    public static void Scale(this CommandRecorder recorder, Tensor x, float alpha, Tensor y) => Unary(recorder, Forward.Scale, "Scale", x, y, alpha);

    /// <summary>Records <c>y = a + b</c>. Its backward needs no kernel: both inputs receive <c>dy</c> as it is
    /// (accumulate it with <see cref="Accumulate"/> where a gradient fans in).</summary>
    public static void Add(this CommandRecorder recorder, Tensor a, Tensor b, Tensor y) => Binary(recorder, Forward.Add, "Add", a, b, y);

    /// <summary>Records <c>y = a * b</c> element by element.</summary>
    public static void Multiply(this CommandRecorder recorder, Tensor a, Tensor b, Tensor y) => Binary(recorder, Forward.Multiply, "Multiply", a, b, y);

    /// <summary>Records <c>destination += alpha * source</c> (residual connections, gradient fan-in).</summary>
    public static void Accumulate(this CommandRecorder recorder, Tensor destination, Tensor source, float alpha = 1f)
    {
        ShapeCheck.Same("Accumulate", "destination", destination, "source", source);
        Record(recorder, Forward.Accumulate, source, source, Binding.ReadWrite(destination), alpha);
    }

    /// <summary>
    /// Records <c>destination += fraction * (target - destination)</c>, one step of an exponential moving average
    /// toward <paramref name="target"/> (<see cref="Training.WeightAverage"/>); a fraction of 1 copies the target.
    /// </summary>
    public static void MoveToward(this CommandRecorder recorder, Tensor destination, Tensor target, float fraction)
    {
        ShapeCheck.Same("MoveToward", "destination", destination, "target", target);
        Record(recorder, Forward.MoveToward, target, target, Binding.ReadWrite(destination), fraction);
    }

    /// <summary>Records the ReLU backward <c>dx = dy * (x &gt; 0)</c> from the forward input <paramref name="x"/>.</summary>
    public static void ReluBackward(this CommandRecorder recorder, Tensor x, Tensor dy, Tensor dx) =>
        ActivationBackward(recorder, Backward.Relu, "ReluBackward", x, dy, dx);

    /// <summary>Records the GELU backward <c>dx = dy * (Phi(x) + x * phi(x))</c> from the forward input <paramref name="x"/>.</summary>
    public static void GeluBackward(this CommandRecorder recorder, Tensor x, Tensor dy, Tensor dx) =>
        ActivationBackward(recorder, Backward.Gelu, "GeluBackward", x, dy, dx);

    /// <summary>Records the backward of <see cref="Multiply"/>: <c>da = dy * b</c>, <c>db = dy * a</c>.</summary>
    public static void MultiplyBackward(this CommandRecorder recorder, Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db)
    {
        ShapeCheck.Same("MultiplyBackward", "a", a, "dy", dy);
        ShapeCheck.Same("MultiplyBackward", "b", b, "dy", dy);
        ShapeCheck.Same("MultiplyBackward", "da", da, "dy", dy);
        ShapeCheck.Same("MultiplyBackward", "db", db, "dy", dy);
        Record(recorder, Forward.Multiply, dy, b, Binding.Write(da), 0);
        Record(recorder, Forward.Multiply, dy, a, Binding.Write(db), 0);
    }

    private static void Unary(CommandRecorder recorder, Forward op, string name, Tensor x, Tensor y, float alpha)
    {
        ShapeCheck.Same(name, "x", x, "y", y);
        Record(recorder, op, x, x, Binding.Write(y), alpha);
    }

    private static void Binary(CommandRecorder recorder, Forward op, string name, Tensor a, Tensor b, Tensor y)
    {
        ShapeCheck.Same(name, "a", a, "b", b);
        ShapeCheck.Same(name, "a", a, "y", y);
        Record(recorder, op, a, b, Binding.Write(y), 0);
    }

    private static void Record(CommandRecorder recorder, Forward op, Tensor a, Tensor b, Binding output, float alpha)
    {
        var count = checked((uint)a.ElementCount);
        var vec4 = UsesVec4(recorder, count);
        var kernel = recorder.Device.GetKernel(new KernelSpec("elementwise", 3, 8, GroupSize, (uint)op, SpecConstant.Bool(vec4)));
        var items = vec4 ? count / 4 : count;
        recorder.Dispatch(kernel, Groups.For1D(items, GroupSize), new Push(items, alpha), Binding.Read(a), Binding.Read(b), output);
    }

    private static void ActivationBackward(CommandRecorder recorder, Backward op, string name, Tensor x, Tensor dy, Tensor dx)
    {
        ShapeCheck.Same(name, "x", x, "dy", dy);
        ShapeCheck.Same(name, "x", x, "dx", dx);
        var count = checked((uint)x.ElementCount);
        var vec4 = UsesVec4(recorder, count);
        var kernel = recorder.Device.GetKernel(new KernelSpec("elementwise_backward", 3, 4, GroupSize, (uint)op, SpecConstant.Bool(vec4)));
        var items = vec4 ? count / 4 : count;
        recorder.Dispatch(kernel, Groups.For1D(items, GroupSize), items, Binding.Read(x), Binding.Read(dy), Binding.Write(dx));
    }

    /// <summary>
    /// Whole vec4s (tensors start 64-byte aligned) on CPU devices, where llvmpipe issues one load loop per load
    /// instruction, so a vec4 moves four elements for the price of one.
    /// </summary>
    private static bool UsesVec4(CommandRecorder recorder, uint count) => count % 4 == 0 && recorder.Device.Info.Kind == Vulkan.DeviceKind.Cpu;
}
