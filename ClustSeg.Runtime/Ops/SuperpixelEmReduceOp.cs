using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of superpixel_em_reduce.comp: the centres c_k = sum A f / (sum A + eps) and the masses from the partial
/// sums of <see cref="SuperpixelEmStepOp.SuperpixelEmStep"/>. Inference only (forward only).
/// </summary>
public static class SuperpixelEmReduceOp
{
    private const string Op = "superpixel_em_reduce";
    private const uint GroupSize = 64;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(int B, int Gh, int Gw, int Lanes, float Eps);

    /// <summary>Records the reduction of <paramref name="partials"/> [B, gh*gw, lanes, 9, C + 1] into centres and masses.</summary>
    /// <param name="recorder">Recording to append to.</param>
    /// <param name="partials">Partial sums from <see cref="SuperpixelEmStepOp.SuperpixelEmStep"/>.</param>
    /// <param name="grid">The seed grid.</param>
    /// <param name="centres">Output centres [B, C, gh*gw].</param>
    /// <param name="mass">Output assignment mass [B, gh*gw].</param>
    public static void SuperpixelEmReduce(this CommandRecorder recorder, Tensor partials, SuperpixelGrid grid, Tensor centres, Tensor mass)
    {
        ShapeCheck.Rank(Op, "partials", partials, 5);
        ShapeCheck.Rank(Op, "centres", centres, 3);
        int b = centres.Dim(0), c = centres.Dim(1), lanes = partials.Dim(2);
        ShapeCheck.Exactly(Op, "centres", centres, b, c, grid.Cells);
        ShapeCheck.Exactly(Op, "partials", partials, b, grid.Cells, lanes, 9, c + 1);
        ShapeCheck.Exactly(Op, "mass", mass, b, grid.Cells);
        var kernel = recorder.Device.GetKernel(new KernelSpec(Op, 3, 20, SpecConstant.Int(c)));
        recorder.Dispatch(kernel, Groups.For1D((long)b * grid.Cells, GroupSize), new Push(b, grid.Rows, grid.Cols, lanes, SuperpixelCentresOp.MassEpsilon),
            Binding.Read(partials), Binding.Write(centres), Binding.Write(mass));
    }
}
