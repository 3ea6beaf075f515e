using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>Host wrapper of superpixel_labels.comp: the hard assignment (cell of the largest soft assignment). Forward only.</summary>
public static class SuperpixelLabelsOp
{
    private const string Op = "superpixel_labels";

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(int B, int H, int W, int Gh, int Gw);

    /// <summary>Records labels[b, n] = cell index in 0..gh*gw-1 of pixel n's strongest slot.</summary>
    /// <param name="recorder">Recording to append to.</param>
    /// <param name="assign">Soft assignment [B, 9, H*W].</param>
    /// <param name="height">Image height H.</param>
    /// <param name="width">Image width W.</param>
    /// <param name="grid">The seed grid.</param>
    /// <param name="labels">Output int32 labels [B, H*W].</param>
    public static void SuperpixelLabels(this CommandRecorder recorder, Tensor assign, int height, int width, SuperpixelGrid grid, Tensor labels)
    {
        ShapeCheck.Rank(Op, "assign", assign, 3);
        var b = assign.Dim(0);
        ShapeCheck.Exactly(Op, "assign", assign, b, 9, height * width);
        ShapeCheck.Exactly(Op, "labels", labels, b, height * width);
        ShapeCheck.DType(Op, "labels", labels, DType.I32);
        var kernel = recorder.Device.GetKernel(new KernelSpec("superpixel_labels", 2, 20));
        recorder.Dispatch(kernel, Groups.For1D((long)b * height * width, 64), new Push(b, height, width, grid.Rows, grid.Cols),
            Binding.Read(assign), Binding.Write(labels));
    }
}
