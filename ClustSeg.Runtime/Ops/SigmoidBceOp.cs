using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of sigmoid_bce.comp / _backward.comp: binary cross-entropy with logits, mean over all elements
/// (torch.nn.functional.binary_cross_entropy_with_logits, reduction 'mean').
/// </summary>
public static class SigmoidBceOp
{
    private const uint ReduceGroup = 256; // REDUCE_GROUP in workgroup_sum.glsl
    private const uint BackwardGroup = 256;
    private const string Op = "SigmoidBce";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Push(uint count, uint partialCount)
    {
        public readonly uint Count = count;
        public readonly uint PartialCount = partialCount;
    }

    /// <summary>
    /// Records the mean loss of <paramref name="logits"/> against <paramref name="targets"/> (same shape, values in
    /// [0, 1]) into <paramref name="loss"/> [1]. A [partials] temporary comes from <c>Device.Scratch</c>.
    /// </summary>
    public static void SigmoidBce(this CommandRecorder recorder, Tensor logits, Tensor targets, Tensor loss)
    {
        ShapeCheck.Same(Op, "targets", targets, "logits", logits);
        ShapeCheck.Exactly(Op, "loss", loss, 1);
        var count = checked((uint)logits.ElementCount);
        var partialCount = Groups.CeilDiv(Math.Max(count, 1), ReduceGroup);
        var partials = recorder.Device.Scratch.Allocate("sigmoid_bce.partials", DType.F32, (int)partialCount);
        var push = new Push(count, partialCount);
        recorder.Dispatch(Kernel(recorder, 0), Groups.For1D(count, ReduceGroup), push,
            Binding.Read(logits), Binding.Read(targets), Binding.Write(partials), Binding.Read(loss));
        recorder.Dispatch(Kernel(recorder, 1), (1, 1, 1), push,
            Binding.Read(logits), Binding.Read(targets), Binding.Read(partials), Binding.Write(loss));
    }

    /// <summary>
    /// Records the backward: overwrites <paramref name="logitsGrad"/> with g (sigmoid(x) - t) / count, where g is the
    /// scalar upstream gradient <paramref name="lossGrad"/> [1].
    /// </summary>
    public static void SigmoidBceBackward(this CommandRecorder recorder, Tensor logits, Tensor targets, Tensor lossGrad, Tensor logitsGrad)
    {
        const string op = Op + "Backward";
        ShapeCheck.Same(op, "targets", targets, "logits", logits);
        ShapeCheck.Same(op, "logitsGrad", logitsGrad, "logits", logits);
        ShapeCheck.Exactly(op, "lossGrad", lossGrad, 1);
        var count = checked((uint)logits.ElementCount);
        var kernel = recorder.Device.GetKernel(new KernelSpec("sigmoid_bce_backward", 4, sizeof(uint), BackwardGroup));
        recorder.Dispatch(kernel, Groups.For1D(count, BackwardGroup), count,
            Binding.Read(logits), Binding.Read(targets), Binding.Read(lossGrad), Binding.Write(logitsGrad));
    }

    private static Kernel Kernel(CommandRecorder recorder, uint stage) =>
        recorder.Device.GetKernel(new KernelSpec("sigmoid_bce", 4, Marshal.SizeOf<Push>(), stage));
}
