using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of ssn_label_loss.comp / _backward.comp: the SSN label reconstruction loss, the cross-entropy of the
/// reconstructed label distribution (<see cref="SsnReconstructOp.SsnReconstruct"/> with int32 labels) against the
/// one-hot labels: mean over labelled pixels of -log(recon[label] + 1e-8).
/// </summary>
public static class SsnLabelLossOp
{
    /// <summary>Added inside the log so that a label with no reconstructed mass gives a finite loss (ours).</summary>
    public const float LogEpsilon = 1e-8f;

    private const uint ReduceGroup = 256; // REDUCE_GROUP in workgroup_sum.glsl
    private const uint BackwardGroup = 256;
    private const string Op = "SsnLabelLoss";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Push(uint batch, uint classes, uint plane, uint partialCount)
    {
        public readonly uint Batch = batch;
        public readonly uint Classes = classes;
        public readonly uint Plane = plane;
        public readonly uint PartialCount = partialCount;
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct BackwardPush(uint batch, uint classes, uint plane)
    {
        public readonly uint Batch = batch;
        public readonly uint Classes = classes;
        public readonly uint Plane = plane;
    }

    /// <summary>
    /// Records the loss of <paramref name="reconstruction"/> [B, classes, H, W] against int32
    /// <paramref name="labels"/> [B, H, W] into <paramref name="loss"/> [1], and the number of labelled pixels
    /// (labels in [0, classes)) into <paramref name="labelledCount"/> [1] for backward. A partial-sums temporary comes
    /// from <c>Device.Scratch</c>.
    /// </summary>
    public static void SsnLabelLoss(this CommandRecorder recorder, Tensor reconstruction, Tensor labels, Tensor loss, Tensor labelledCount)
    {
        var (batch, classes, plane) = Check(Op, reconstruction, labels);
        ShapeCheck.Exactly(Op, "loss", loss, 1);
        ShapeCheck.Exactly(Op, "labelledCount", labelledCount, 1);
        var pixels = (long)batch * plane;
        var partialCount = Groups.CeilDiv(Math.Max(pixels, 1), ReduceGroup);
        var partials = recorder.Device.Scratch.Allocate("ssn_label_loss.partials", DType.F32, (int)partialCount, 2);
        var push = new Push(batch, classes, plane, partialCount);
        Binding[] bindings = [Binding.Read(reconstruction), Binding.Read(labels), Binding.Write(partials), Binding.Read(loss), Binding.Read(labelledCount)];
        recorder.Dispatch(Kernel(recorder, 0), Groups.For1D(pixels, ReduceGroup), push, bindings);
        bindings[2] = Binding.Read(partials);
        bindings[3] = Binding.Write(loss);
        bindings[4] = Binding.Write(labelledCount);
        recorder.Dispatch(Kernel(recorder, 1), (1, 1, 1), push, bindings);
    }

    /// <summary>
    /// Records the backward: overwrites <paramref name="reconstructionGrad"/> (the reconstruction's shape) from the
    /// scalar upstream gradient <paramref name="lossGrad"/> [1] and the forward's <paramref name="labelledCount"/>.
    /// </summary>
    public static void SsnLabelLossBackward(this CommandRecorder recorder, Tensor reconstruction, Tensor labels, Tensor labelledCount,
        Tensor lossGrad, Tensor reconstructionGrad)
    {
        const string op = Op + "Backward";
        var (batch, classes, plane) = Check(op, reconstruction, labels);
        ShapeCheck.Exactly(op, "labelledCount", labelledCount, 1);
        ShapeCheck.Exactly(op, "lossGrad", lossGrad, 1);
        ShapeCheck.Same(op, "reconstructionGrad", reconstructionGrad, "reconstruction", reconstruction);
        var kernel = recorder.Device.GetKernel(new KernelSpec("ssn_label_loss_backward", 5, Marshal.SizeOf<BackwardPush>(), BackwardGroup));
        recorder.Dispatch(kernel, Groups.For1D(reconstruction.ElementCount, BackwardGroup), new BackwardPush(batch, classes, plane),
            Binding.Read(reconstruction), Binding.Read(labels), Binding.Read(labelledCount), Binding.Read(lossGrad), Binding.Write(reconstructionGrad));
    }

    private static (uint Batch, uint Classes, uint Plane) Check(string op, Tensor reconstruction, Tensor labels)
    {
        ShapeCheck.Rank(op, "reconstruction", reconstruction, 4);
        ShapeCheck.DType(op, "labels", labels, DType.I32);
        ShapeCheck.Exactly(op, "labels", labels, reconstruction.Dim(0), reconstruction.Dim(2), reconstruction.Dim(3));
        return ((uint)reconstruction.Dim(0), (uint)reconstruction.Dim(1), checked((uint)(reconstruction.Dim(2) * reconstruction.Dim(3))));
    }

    private static Kernel Kernel(CommandRecorder recorder, uint stage) =>
        recorder.Device.GetKernel(new KernelSpec("ssn_label_loss", 5, Marshal.SizeOf<Push>(), stage));
}
