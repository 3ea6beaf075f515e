using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of superpixel_assign.comp (the SSN E-step: softmax over the 3x3 cells around each pixel's own of
/// minus the squared feature distance) and its backward.
/// </summary>
public static class SuperpixelAssignOp
{
    private const string Op = "superpixel_assign";
    private const uint GroupSize = 64;

    /// <summary>Most feature channels the kernels accept (one pipeline per channel count; larger counts spill registers).</summary>
    public const int MaxChannels = 64;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(int B, int H, int W, int Gh, int Gw);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct BackwardPush(int B, int H, int W, int Gh, int Gw, int Accumulate);

    /// <summary>Records A = softmax over 9 slots of -||f - c||^2.</summary>
    /// <param name="recorder">Recording to append to.</param>
    /// <param name="features">Pixel features [B, C, H, W].</param>
    /// <param name="centres">Cluster centres [B, C, gh*gw].</param>
    /// <param name="grid">The seed grid.</param>
    /// <param name="assign">Output soft assignment [B, 9, H*W]; slot j is cell (home row + j/3 - 1, home col + j%3 - 1).</param>
    public static void SuperpixelAssign(this CommandRecorder recorder, Tensor features, Tensor centres, SuperpixelGrid grid, Tensor assign)
    {
        var (b, c, h, w) = Check(features, centres, grid, assign);
        var kernel = recorder.Device.GetKernel(new KernelSpec("superpixel_assign", 3, 20, SpecConstant.Int(c)));
        recorder.Dispatch(kernel, SuperpixelGrid.PixelTiles(b, h, w), new Push(b, h, w, grid.Rows, grid.Cols),
            Binding.Read(features), Binding.Read(centres), Binding.Write(assign));
    }

    /// <summary>
    /// Records the backward: from dA gives dF and dC (each written, or added to when <paramref name="accumulate"/>).
    /// <paramref name="logitGrad"/> [B, 9, H*W] is a temporary that carries the softmax gradient between the two passes.
    /// </summary>
    public static void SuperpixelAssignBackward(this CommandRecorder recorder, Tensor features, Tensor centres, SuperpixelGrid grid,
        Tensor assign, Tensor gradAssign, Tensor logitGrad, Tensor gradFeatures, Tensor gradCentres, bool accumulate)
    {
        var (b, c, h, w) = Check(features, centres, grid, assign);
        ShapeCheck.Same(Op, "gradAssign", gradAssign, "assign", assign);
        ShapeCheck.Same(Op, "logitGrad", logitGrad, "assign", assign);
        ShapeCheck.Same(Op, "gradFeatures", gradFeatures, "features", features);
        ShapeCheck.Same(Op, "gradCentres", gradCentres, "centres", centres);
        var push = new BackwardPush(b, h, w, grid.Rows, grid.Cols, accumulate ? 1 : 0);
        var pixelPass = recorder.Device.GetKernel(new KernelSpec("superpixel_assign_backward", 6, 24, SpecConstant.Int(c), SpecConstant.Int(0), 8, 8));
        recorder.Dispatch(pixelPass, SuperpixelGrid.PixelTiles(b, h, w), push,
            Binding.Read(features), Binding.Read(centres), Binding.Read(assign), Binding.Read(gradAssign),
            Binding.Write(logitGrad), accumulate ? Binding.ReadWrite(gradFeatures) : Binding.Write(gradFeatures));
        var cellPass = recorder.Device.GetKernel(new KernelSpec("superpixel_assign_backward", 6, 24, SpecConstant.Int(c), SpecConstant.Int(1), GroupSize, 1));
        recorder.Dispatch(cellPass, Groups.For1D((long)b * grid.Cells, GroupSize), push,
            Binding.Read(features), Binding.Read(centres), Binding.Read(assign), Binding.Read(gradAssign),
            Binding.Read(logitGrad), accumulate ? Binding.ReadWrite(gradCentres) : Binding.Write(gradCentres));
    }

    private static (int B, int C, int H, int W) Check(Tensor features, Tensor centres, SuperpixelGrid grid, Tensor assign)
    {
        ShapeCheck.Rank(Op, "features", features, 4);
        int b = features.Dim(0), c = features.Dim(1), h = features.Dim(2), w = features.Dim(3);
        ShapeCheck.That(c <= MaxChannels, Op, $"at most {MaxChannels} feature channels are supported, got {c}.");
        ShapeCheck.That(grid.Rows <= h && grid.Cols <= w, Op, $"a {grid.Rows}x{grid.Cols} grid needs at least one pixel per cell, the image is {h}x{w}.");
        ShapeCheck.Exactly(Op, "centres", centres, b, c, grid.Cells);
        ShapeCheck.Exactly(Op, "assign", assign, b, 9, h * w);
        return (b, c, h, w);
    }
}
