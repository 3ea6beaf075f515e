using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of dice_loss.comp / _backward.comp: the Mask2Former / kMaX-DeepLab dice loss, per mask
/// 1 - (2 sum p t + 1) / (sum p + sum t + 1) with p = sigmoid(logits), averaged over masks (Mask2Former divides the
/// sum by the number of masks, which is the same).
/// </summary>
public static class DiceLossOp
{
    private const uint ReduceGroup = 256; // REDUCE_GROUP in workgroup_sum.glsl
    private const uint BackwardGroup = 256;
    private const string Op = "DiceLoss";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Push(uint masks, uint pixels)
    {
        public readonly uint Masks = masks;
        public readonly uint Pixels = pixels;
    }

    /// <summary>
    /// Records the loss of <paramref name="logits"/> [masks, ...] against <paramref name="targets"/> (same shape,
    /// values in [0, 1]) into <paramref name="loss"/> [1]; <paramref name="maskStats"/> [masks, 3] receives
    /// (sum p t, sum p, sum t) per mask, which backward reads.
    /// </summary>
    public static void DiceLoss(this CommandRecorder recorder, Tensor logits, Tensor targets, Tensor maskStats, Tensor loss)
    {
        var push = Check(Op, logits, targets, maskStats);
        ShapeCheck.Exactly(Op, "loss", loss, 1);
        // Both stages bind the buffers as the shader declares them (mask stats read-write, loss written), so the
        // hazard tracker and the synchronization validator agree on what each dispatch may write.
        recorder.Dispatch(Kernel(recorder, 0), Groups.For1D((long)push.Masks * ReduceGroup, ReduceGroup), push,
            Binding.Read(logits), Binding.Read(targets), Binding.ReadWrite(maskStats), Binding.Write(loss));
        recorder.Dispatch(Kernel(recorder, 1), (1, 1, 1), push,
            Binding.Read(logits), Binding.Read(targets), Binding.ReadWrite(maskStats), Binding.Write(loss));
    }

    /// <summary>
    /// Records the backward: overwrites <paramref name="logitsGrad"/> from the scalar upstream gradient
    /// <paramref name="lossGrad"/> [1] and the forward's <paramref name="maskStats"/>.
    /// </summary>
    public static void DiceLossBackward(this CommandRecorder recorder, Tensor logits, Tensor targets, Tensor maskStats, Tensor lossGrad,
        Tensor logitsGrad)
    {
        const string op = Op + "Backward";
        var push = Check(op, logits, targets, maskStats);
        ShapeCheck.Exactly(op, "lossGrad", lossGrad, 1);
        ShapeCheck.Same(op, "logitsGrad", logitsGrad, "logits", logits);
        var kernel = recorder.Device.GetKernel(new KernelSpec("dice_loss_backward", 5, Marshal.SizeOf<Push>(), BackwardGroup));
        recorder.Dispatch(kernel, Groups.For1D(logits.ElementCount, BackwardGroup), push,
            Binding.Read(logits), Binding.Read(targets), Binding.Read(maskStats), Binding.Read(lossGrad), Binding.Write(logitsGrad));
    }

    private static Push Check(string op, Tensor logits, Tensor targets, Tensor maskStats)
    {
        ShapeCheck.That(logits.Rank >= 1, op, $"'logits' ({logits.Name}) must have a mask axis first, got a scalar.");
        ShapeCheck.Same(op, "targets", targets, "logits", logits);
        var masks = logits.Dim(0);
        ShapeCheck.Exactly(op, "maskStats", maskStats, masks, 3);
        var pixels = masks == 0 ? 0 : logits.ElementCount / masks;
        return new Push((uint)masks, checked((uint)pixels));
    }

    private static Kernel Kernel(CommandRecorder recorder, uint stage) =>
        recorder.Device.GetKernel(new KernelSpec("dice_loss", 4, Marshal.SizeOf<Push>(), stage));
}
