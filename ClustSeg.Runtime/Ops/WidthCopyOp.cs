using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of width_copy.comp (four elements per invocation, one vec4 store): pads the last dimension of a tensor with zeros on the right, or crops it. Each is
/// the backward of the other (the crop of a gradient is the gradient of a pad, and the reverse).
/// </summary>
public static class WidthCopyOp
{
    private const string Op = "CopyWidth";
    private const uint GroupSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Rows, uint SourceWidth, uint DestinationWidth);

    /// <summary>
    /// Records <c>destination[..., x] = x &lt; W_src ? source[..., x] : 0</c> for every column x of
    /// <paramref name="destination"/> (<c>+=</c> when <paramref name="accumulate"/>). Both tensors must agree in every
    /// dimension but the last.
    /// </summary>
    /// <param name="recorder">The recording.</param>
    /// <param name="source">Tensor [..., W_src].</param>
    /// <param name="destination">Tensor [..., W_dst]: wider pads with zero columns, narrower crops.</param>
    /// <param name="accumulate">Add into <paramref name="destination"/> instead of overwriting it.</param>
    public static void CopyWidth(this CommandRecorder recorder, Tensor source, Tensor destination, bool accumulate = false)
    {
        ShapeCheck.DType(Op, "source", source, DType.F32);
        ShapeCheck.DType(Op, "destination", destination, DType.F32);
        ShapeCheck.That(source.Rank >= 1 && source.Rank == destination.Rank &&
            source.Shape.Take(source.Rank - 1).SequenceEqual(destination.Shape.Take(destination.Rank - 1)), Op,
            $"'{source.Name}' [{source.ShapeText}] and '{destination.Name}' [{destination.ShapeText}] must agree in every dimension but the last.");
        int sourceWidth = source.Dim(source.Rank - 1), destinationWidth = destination.Dim(destination.Rank - 1);
        var rows = destination.ElementCount / Math.Max(destinationWidth, 1);
        var kernel = recorder.Device.GetKernel(new KernelSpec("width_copy", 2, Marshal.SizeOf<Push>(), GroupSize, SpecConstant.Bool(accumulate)));
        recorder.Dispatch(kernel, Groups.For1D((destination.ElementCount + 3) / 4, GroupSize), new Push((uint)rows, (uint)sourceWidth, (uint)destinationWidth),
            Binding.Read(source), accumulate ? Binding.ReadWrite(destination) : Binding.Write(destination));
    }
}
