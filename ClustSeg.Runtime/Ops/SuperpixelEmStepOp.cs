using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of superpixel_em_step.comp: the fused superpixel EM step used at inference (forward only). One
/// workgroup per home cell computes its pixels' soft assignments over the 9 surrounding cells and accumulates the
/// M-step sums per lane; <see cref="SuperpixelEmReduceOp"/> turns them into centres. Equal, up to the order of the
/// float sums, to <see cref="SuperpixelAssignOp"/> followed by <see cref="SuperpixelCentresOp"/>, which training keeps
/// because its backward needs the stored assignment.
/// </summary>
public static class SuperpixelEmStepOp
{
    private const string Op = "superpixel_em_step";

    /// <summary>Lanes per workgroup on GPUs (one warp on NVIDIA, half a wave on AMD).</summary>
    private const int GpuLanes = 32;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(int B, int H, int W, int Gh, int Gw);

    /// <summary>
    /// Lanes per workgroup (one partial sum per lane): the SIMD width on CPU devices, where more lanes only add idle
    /// ones on small cells, and <see cref="GpuLanes"/> elsewhere.
    /// </summary>
    public static int Lanes(GpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.Info.Kind == DeviceKind.Cpu ? (int)Gemm.LanesFor(device.Info) : GpuLanes;
    }

    /// <summary>The shape of the partial sums [B, gh*gw, lanes, 9, C + 1] for <paramref name="device"/>.</summary>
    public static int[] PartialsShape(GpuDevice device, int batch, int channels, SuperpixelGrid grid) =>
        [batch, grid.Cells, Lanes(device), 9, channels + 1];

    /// <summary>Records the E-step and the per-lane M-step sums (assignment mass, then assignment-weighted features).</summary>
    /// <param name="recorder">Recording to append to.</param>
    /// <param name="features">Pixel features [B, C, H, W].</param>
    /// <param name="centres">Current centres [B, C, gh*gw].</param>
    /// <param name="grid">The seed grid.</param>
    /// <param name="partials">Output partial sums, shaped by <see cref="PartialsShape"/>.</param>
    public static void SuperpixelEmStep(this CommandRecorder recorder, Tensor features, Tensor centres, SuperpixelGrid grid, Tensor partials)
    {
        var (b, c, h, w) = Check(features, centres, grid);
        ShapeCheck.Exactly(Op, "partials", partials, PartialsShape(recorder.Device, b, c, grid));
        Record(recorder, features, centres, grid, partials, partials, writeLabels: false, b, c, h, w);
    }

    /// <summary>Records the hard assignment: labels[b, n] = the cell (0..gh*gw-1) of pixel n's largest assignment.</summary>
    /// <param name="recorder">Recording to append to.</param>
    /// <param name="features">Pixel features [B, C, H, W].</param>
    /// <param name="centres">Final centres [B, C, gh*gw].</param>
    /// <param name="grid">The seed grid.</param>
    /// <param name="labels">Output int32 labels [B, H*W].</param>
    public static void SuperpixelEmLabels(this CommandRecorder recorder, Tensor features, Tensor centres, SuperpixelGrid grid, Tensor labels)
    {
        var (b, c, h, w) = Check(features, centres, grid);
        ShapeCheck.Exactly(Op, "labels", labels, b, h * w);
        ShapeCheck.DType(Op, "labels", labels, DType.I32);
        // The partial-sum binding is unused in this mode; the labels stand in for it.
        Record(recorder, features, centres, grid, labels, labels, writeLabels: true, b, c, h, w);
    }

    private static void Record(CommandRecorder recorder, Tensor features, Tensor centres, SuperpixelGrid grid, Tensor partials, Tensor labels,
        bool writeLabels, int b, int c, int h, int w)
    {
        var lanes = Lanes(recorder.Device);
        var kernel = recorder.Device.GetKernel(new KernelSpec(Op, 4, 20, SpecConstant.Int(c), SpecConstant.Int(lanes), SpecConstant.Bool(writeLabels)));
        recorder.Dispatch(kernel, ((uint)grid.Cells, (uint)b, 1u), new Push(b, h, w, grid.Rows, grid.Cols),
            Binding.Read(features), Binding.Read(centres), Binding.Write(partials), Binding.Write(labels));
    }

    private static (int B, int C, int H, int W) Check(Tensor features, Tensor centres, SuperpixelGrid grid)
    {
        ShapeCheck.Rank(Op, "features", features, 4);
        int b = features.Dim(0), c = features.Dim(1), h = features.Dim(2), w = features.Dim(3);
        ShapeCheck.That(c <= SuperpixelCentresOp.MaxChannels, Op, $"at most {SuperpixelCentresOp.MaxChannels} feature channels are supported, got {c}.");
        ShapeCheck.That(grid.Rows <= h && grid.Cols <= w, Op, $"a {grid.Rows}x{grid.Cols} grid needs at least one pixel per cell, the image is {h}x{w}.");
        ShapeCheck.That(grid.Cells <= 65535 && b <= 65535, Op, $"one workgroup per cell and image: at most 65535 cells and images, got {grid.Cells} cells x {b} images.");
        ShapeCheck.Exactly(Op, "centres", centres, b, c, grid.Cells);
        return (b, c, h, w);
    }
}
