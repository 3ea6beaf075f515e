using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of superpixel_centres.comp (the SSN M-step: assignment-weighted mean of pixel features per cell)
/// and its backward.
/// </summary>
public static class SuperpixelCentresOp
{
    private const string Op = "superpixel_centres";
    private const uint GroupSize = 64;

    /// <summary>Most feature channels the kernels accept (one pipeline per channel count; larger counts spill registers).</summary>
    public const int MaxChannels = 64;

    /// <summary>Added to the assignment mass before dividing, so an empty cell gives a zero centre, not NaN.</summary>
    public const float MassEpsilon = 1e-6f;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(int B, int H, int W, int Gh, int Gw, float Eps);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct BackwardPush(int B, int H, int W, int Gh, int Gw, float Eps, int Accumulate);

    /// <summary>Records c_k = sum A f / (sum A + eps) and the mass sum A per cell.</summary>
    /// <param name="recorder">Recording to append to.</param>
    /// <param name="features">Pixel features [B, C, H, W].</param>
    /// <param name="assign">Soft assignment [B, 9, H*W] from <see cref="SuperpixelAssignOp"/>.</param>
    /// <param name="grid">The seed grid.</param>
    /// <param name="centres">Output centres [B, C, gh*gw].</param>
    /// <param name="mass">Output assignment mass [B, gh*gw] (kept for backward).</param>
    public static void SuperpixelCentres(this CommandRecorder recorder, Tensor features, Tensor assign, SuperpixelGrid grid, Tensor centres, Tensor mass)
    {
        var (b, c, h, w) = Check(features, assign, grid, centres, mass);
        var kernel = recorder.Device.GetKernel(new KernelSpec("superpixel_centres", 4, 24, SpecConstant.Int(c)));
        recorder.Dispatch(kernel, Groups.For1D((long)b * grid.Cells, GroupSize), new Push(b, h, w, grid.Rows, grid.Cols, MassEpsilon),
            Binding.Read(features), Binding.Read(assign), Binding.Write(centres), Binding.Write(mass));
    }

    /// <summary>Records the backward: dA (written) and dF (written, or added to when <paramref name="accumulate"/>).</summary>
    public static void SuperpixelCentresBackward(this CommandRecorder recorder, Tensor features, Tensor assign, SuperpixelGrid grid,
        Tensor centres, Tensor mass, Tensor gradCentres, Tensor gradAssign, Tensor gradFeatures, bool accumulate)
    {
        var (b, c, h, w) = Check(features, assign, grid, centres, mass);
        ShapeCheck.Same(Op, "gradCentres", gradCentres, "centres", centres);
        ShapeCheck.Same(Op, "gradAssign", gradAssign, "assign", assign);
        ShapeCheck.Same(Op, "gradFeatures", gradFeatures, "features", features);
        var kernel = recorder.Device.GetKernel(new KernelSpec("superpixel_centres_backward", 7, 28, SpecConstant.Int(c)));
        recorder.Dispatch(kernel, SuperpixelGrid.PixelTiles(b, h, w), new BackwardPush(b, h, w, grid.Rows, grid.Cols, MassEpsilon, accumulate ? 1 : 0),
            Binding.Read(features), Binding.Read(assign), Binding.Read(centres), Binding.Read(mass), Binding.Read(gradCentres),
            Binding.Write(gradAssign), accumulate ? Binding.ReadWrite(gradFeatures) : Binding.Write(gradFeatures));
    }

    private static (int B, int C, int H, int W) Check(Tensor features, Tensor assign, SuperpixelGrid grid, Tensor centres, Tensor mass)
    {
        ShapeCheck.Rank(Op, "features", features, 4);
        int b = features.Dim(0), c = features.Dim(1), h = features.Dim(2), w = features.Dim(3);
        ShapeCheck.That(c <= MaxChannels, Op, $"at most {MaxChannels} feature channels are supported, got {c}.");
        ShapeCheck.That(grid.Rows <= h && grid.Cols <= w, Op, $"a {grid.Rows}x{grid.Cols} grid needs at least one pixel per cell, the image is {h}x{w}.");
        ShapeCheck.Exactly(Op, "assign", assign, b, 9, h * w);
        ShapeCheck.Exactly(Op, "centres", centres, b, c, grid.Cells);
        ShapeCheck.Exactly(Op, "mass", mass, b, grid.Cells);
        return (b, c, h, w);
    }
}
