using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of mse_loss.comp / _backward.comp: mean squared error (torch mse_loss, reduction 'mean'); the SSN
/// compactness term compares the reconstructed scaled (y, x) (<see cref="SsnReconstructOp.SsnReconstruct"/>) with
/// the pixels' own.
/// </summary>
public static class MseLossOp
{
    private const uint ReduceGroup = 256; // REDUCE_GROUP in workgroup_sum.glsl
    private const uint BackwardGroup = 256;
    private const string Op = "MseLoss";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Push(uint count, uint partialCount)
    {
        public readonly uint Count = count;
        public readonly uint PartialCount = partialCount;
    }

    /// <summary>Records <paramref name="loss"/>[0] = mean((prediction - target)^2). A partial-sums temporary comes from <c>Device.Scratch</c>.</summary>
    public static void MseLoss(this CommandRecorder recorder, Tensor prediction, Tensor target, Tensor loss)
    {
        ShapeCheck.Same(Op, "target", target, "prediction", prediction);
        ShapeCheck.Exactly(Op, "loss", loss, 1);
        var count = checked((uint)prediction.ElementCount);
        var partialCount = Groups.CeilDiv(Math.Max(count, 1), ReduceGroup);
        var partials = recorder.Device.Scratch.Allocate("mse_loss.partials", DType.F32, (int)partialCount);
        var push = new Push(count, partialCount);
        recorder.Dispatch(Kernel(recorder, 0), Groups.For1D(count, ReduceGroup), push,
            Binding.Read(prediction), Binding.Read(target), Binding.Write(partials), Binding.Read(loss));
        recorder.Dispatch(Kernel(recorder, 1), (1, 1, 1), push,
            Binding.Read(prediction), Binding.Read(target), Binding.Read(partials), Binding.Write(loss));
    }

    /// <summary>
    /// Records the backward to the prediction: overwrites <paramref name="predictionGrad"/> with
    /// 2 g (prediction - target) / count, g the scalar upstream gradient <paramref name="lossGrad"/> [1].
    /// </summary>
    public static void MseLossBackward(this CommandRecorder recorder, Tensor prediction, Tensor target, Tensor lossGrad, Tensor predictionGrad)
    {
        const string op = Op + "Backward";
        ShapeCheck.Same(op, "target", target, "prediction", prediction);
        ShapeCheck.Same(op, "predictionGrad", predictionGrad, "prediction", prediction);
        ShapeCheck.Exactly(op, "lossGrad", lossGrad, 1);
        var count = checked((uint)prediction.ElementCount);
        var kernel = recorder.Device.GetKernel(new KernelSpec("mse_loss_backward", 4, sizeof(uint), BackwardGroup));
        recorder.Dispatch(kernel, Groups.For1D(count, BackwardGroup), count,
            Binding.Read(prediction), Binding.Read(target), Binding.Read(lossGrad), Binding.Write(predictionGrad));
    }

    private static Kernel Kernel(CommandRecorder recorder, uint stage) =>
        recorder.Device.GetKernel(new KernelSpec("mse_loss", 4, Marshal.SizeOf<Push>(), stage));
}
