using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of softmax_cross_entropy.comp / _backward.comp: softmax cross-entropy over axis 1 of the logits with
/// an ignore label and optional per-class weights, reduced as torch's weighted mean
/// (sum of w[y] nll over counted elements divided by the sum of their w[y]).
/// </summary>
public static class SoftmaxCrossEntropyOp
{
    /// <summary>The label that marks pixels without ground truth. Any label outside [0, classes) is ignored as well.</summary>
    public const int IgnoreLabel = 255;

    private const uint ReduceGroup = 256; // REDUCE_GROUP in workgroup_sum.glsl
    private const uint BackwardGroup = 64;
    private const string Op = "SoftmaxCrossEntropy";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Push(uint outer, uint classes, uint inner, uint partialCount)
    {
        public readonly uint Outer = outer;
        public readonly uint Classes = classes;
        public readonly uint Inner = inner;
        public readonly uint PartialCount = partialCount;
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct BackwardPush(uint outer, uint classes, uint inner)
    {
        public readonly uint Outer = outer;
        public readonly uint Classes = classes;
        public readonly uint Inner = inner;
    }

    /// <summary>
    /// Records the loss of <paramref name="logits"/> [N, classes, ...] against int32 <paramref name="labels"/>
    /// [N, ...] into <paramref name="loss"/> [1], and the total weight of counted elements into
    /// <paramref name="weightTotal"/> [1] for backward. <paramref name="classWeights"/> [classes] is optional
    /// (all 1 when null). With no counted element the loss is 0. A [partials, 2] temporary comes from <c>Device.Scratch</c>.
    /// </summary>
    public static void SoftmaxCrossEntropy(this CommandRecorder recorder, Tensor logits, Tensor labels, Tensor? classWeights,
        Tensor loss, Tensor weightTotal)
    {
        var (outer, classes, inner) = Check(Op, logits, labels, classWeights);
        ShapeCheck.Exactly(Op, "loss", loss, 1);
        ShapeCheck.Exactly(Op, "weightTotal", weightTotal, 1);
        var count = (long)outer * inner;
        var groups = Groups.For1D(count, ReduceGroup);
        var partialCount = Groups.CeilDiv(Math.Max(count, 1), ReduceGroup);
        var partials = recorder.Device.Scratch.Allocate("softmax_cross_entropy.partials", DType.F32, (int)partialCount, 2);
        var push = new Push(outer, classes, inner, partialCount);
        var weighted = classWeights is not null;
        Binding[] bindings =
        [
            Binding.Read(logits), Binding.Read(labels), Binding.Read(classWeights ?? logits), Binding.Write(partials),
            Binding.Read(loss), Binding.Read(weightTotal),
        ];
        recorder.Dispatch(Kernel(recorder, 0, weighted), groups, push, bindings);
        bindings[3] = Binding.Read(partials);
        bindings[4] = Binding.Write(loss);
        bindings[5] = Binding.Write(weightTotal);
        recorder.Dispatch(Kernel(recorder, 1, weighted), (1, 1, 1), push, bindings);
    }

    /// <summary>
    /// Records the backward: overwrites <paramref name="logitsGrad"/> (shape of the logits) from the scalar upstream
    /// gradient <paramref name="lossGrad"/> [1] (e.g. the loss weight) and the forward's <paramref name="weightTotal"/>.
    /// </summary>
    public static void SoftmaxCrossEntropyBackward(this CommandRecorder recorder, Tensor logits, Tensor labels, Tensor? classWeights,
        Tensor weightTotal, Tensor lossGrad, Tensor logitsGrad)
    {
        const string op = Op + "Backward";
        var (outer, classes, inner) = Check(op, logits, labels, classWeights);
        ShapeCheck.Exactly(op, "weightTotal", weightTotal, 1);
        ShapeCheck.Exactly(op, "lossGrad", lossGrad, 1);
        ShapeCheck.Same(op, "logitsGrad", logitsGrad, "logits", logits);
        var kernel = recorder.Device.GetKernel(new KernelSpec("softmax_cross_entropy_backward", 6, Marshal.SizeOf<BackwardPush>(),
            BackwardGroup, SpecConstant.Bool(classWeights is not null)));
        recorder.Dispatch(kernel, Groups.For1D((long)outer * inner, BackwardGroup), new BackwardPush(outer, classes, inner),
            Binding.Read(logits), Binding.Read(labels), Binding.Read(classWeights ?? logits), Binding.Read(weightTotal),
            Binding.Read(lossGrad), Binding.Write(logitsGrad));
    }

    private static (uint Outer, uint Classes, uint Inner) Check(string op, Tensor logits, Tensor labels, Tensor? classWeights)
    {
        ShapeCheck.That(logits.Rank >= 2, op, $"'logits' ({logits.Name}) must have a class axis at 1, got [{logits.ShapeText}].");
        ShapeCheck.DType(op, "logits", logits, DType.F32);
        ShapeCheck.DType(op, "labels", labels, DType.I32);
        var labelShape = logits.Shape.Where((_, axis) => axis != 1).ToArray();
        ShapeCheck.Exactly(op, "labels", labels, labelShape);
        if (classWeights is not null) ShapeCheck.Exactly(op, "classWeights", classWeights, logits.Dim(1));
        var inner = 1L;
        for (var axis = 2; axis < logits.Rank; axis++) inner *= logits.Dim(axis);
        return ((uint)logits.Dim(0), (uint)logits.Dim(1), checked((uint)inner));
    }

    private static Kernel Kernel(CommandRecorder recorder, uint stage, bool weighted) =>
        recorder.Device.GetKernel(new KernelSpec("softmax_cross_entropy", 6, Marshal.SizeOf<Push>(), stage, SpecConstant.Bool(weighted)));
}
