using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of superpixel_hard_assign.comp (forward only): each pixel's superpixel label, the nearest of the
/// centres of its 3 x 3 neighbour cells (the argmax of <see cref="SuperpixelEmOp"/>'s soft assignment).
/// </summary>
public static class SuperpixelHardAssignOp
{
    private const uint GroupSize = 64;
    private const string Op = "SuperpixelHardAssign";

    /// <summary>
    /// Records int32 <paramref name="labels"/> [B, H, W] (cell index gy * gw + gx) from <paramref name="features"/>
    /// [B, C, H, W] and <paramref name="centres"/> [B, C, gh * gw].
    /// </summary>
    public static void SuperpixelHardAssign(this CommandRecorder recorder, Tensor features, Tensor centres, int gridH, int gridW, Tensor labels)
    {
        ShapeCheck.Rank(Op, "features", features, 4);
        var (batch, channels, height, width) = (features.Dim(0), features.Dim(1), features.Dim(2), features.Dim(3));
        ShapeCheck.That(gridH >= 1 && gridW >= 1 && gridH <= height && gridW <= width, Op,
            $"the superpixel grid {gridH}x{gridW} must have at least one cell and no more cells per side than 'features' [{features.ShapeText}] has pixels.");
        ShapeCheck.Exactly(Op, "centres", centres, batch, channels, gridH * gridW);
        ShapeCheck.Exactly(Op, "labels", labels, batch, height, width);
        ShapeCheck.DType(Op, "labels", labels, DType.I32);
        var push = new SuperpixelEmOp.Push(batch, channels, height, width, gridH, gridW);
        var kernel = recorder.Device.GetKernel(new KernelSpec("superpixel_hard_assign", 3, Marshal.SizeOf<SuperpixelEmOp.Push>(), GroupSize));
        recorder.Dispatch(kernel, Groups.For1D(labels.ElementCount, GroupSize), push,
            Binding.Read(features), Binding.Read(centres), Binding.Write(labels));
    }
}
