using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of plane_copy.comp (four elements per invocation, one vec4 store): pads the last two dimensions of a
/// tensor with zeros below and on the right, or crops them. Each is the backward of the other (the crop of a gradient
/// is the gradient of a pad, and the reverse).
/// </summary>
public static class PlaneCopyOp
{
    private const string Op = "CopyPlanes";
    private const uint GroupSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Planes, uint SourceHeight, uint SourceWidth, uint DestinationHeight, uint DestinationWidth);

    /// <summary>
    /// Records <c>destination[..., y, x] = y &lt; H_src &amp;&amp; x &lt; W_src ? source[..., y, x] : 0</c> for every
    /// row y and column x of <paramref name="destination"/> (<c>+=</c> when <paramref name="accumulate"/>). Both
    /// tensors must agree in every dimension but the last two; a tensor of rank 1 is one row.
    /// </summary>
    /// <param name="recorder">The recording.</param>
    /// <param name="source">Tensor [..., H_src, W_src].</param>
    /// <param name="destination">Tensor [..., H_dst, W_dst]: larger pads with zeros, smaller crops.</param>
    /// <param name="accumulate">Add into <paramref name="destination"/> instead of overwriting it.</param>
    public static void CopyPlanes(this CommandRecorder recorder, Tensor source, Tensor destination, bool accumulate = false)
    {
        ShapeCheck.DType(Op, "source", source, DType.F32);
        ShapeCheck.DType(Op, "destination", destination, DType.F32);
        var outer = Math.Max(source.Rank - 2, 0);
        ShapeCheck.That(source.Rank >= 1 && source.Rank == destination.Rank &&
            source.Shape.Take(outer).SequenceEqual(destination.Shape.Take(outer)), Op,
            $"'{source.Name}' [{source.ShapeText}] and '{destination.Name}' [{destination.ShapeText}] must agree in every dimension but the last two.");
        var (sourceHeight, sourceWidth) = PlaneOf(source);
        var (destinationHeight, destinationWidth) = PlaneOf(destination);
        var planes = destination.ElementCount / Math.Max((long)destinationHeight * destinationWidth, 1);
        var kernel = recorder.Device.GetKernel(new KernelSpec("plane_copy", 2, Marshal.SizeOf<Push>(), GroupSize, SpecConstant.Bool(accumulate)));
        recorder.Dispatch(kernel, Groups.For1D((destination.ElementCount + 3) / 4, GroupSize),
            new Push((uint)planes, (uint)sourceHeight, (uint)sourceWidth, (uint)destinationHeight, (uint)destinationWidth),
            Binding.Read(source), accumulate ? Binding.ReadWrite(destination) : Binding.Write(destination));
    }

    private static (int Height, int Width) PlaneOf(Tensor t) => t.Rank == 1 ? (1, t.Dim(0)) : (t.Dim(-2), t.Dim(-1));
}
