using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>The reduction <see cref="ReduceAxisOp"/> applies.</summary>
public enum Reduction
{
    /// <summary>Sum along the axis.</summary>
    Sum = 0,
    /// <summary>Mean along the axis.</summary>
    Mean = 1,
    /// <summary>Maximum along the axis (NaN propagates).</summary>
    Max = 2,
    /// <summary>Index of the first maximum along the axis, int32.</summary>
    Argmax = 3,
}

/// <summary>Host wrapper of reduce_axis.comp / _backward.comp: sum, mean, max and argmax along one axis.</summary>
public static class ReduceAxisOp
{
    private const uint GroupSize = 64;
    private const string Op = "ReduceAxis";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Push(uint outer, uint axis, uint inner)
    {
        public readonly uint Outer = outer;
        public readonly uint Axis = axis;
        public readonly uint Inner = inner;
    }

    /// <summary>
    /// Records <paramref name="output"/> = the <paramref name="reduction"/> of <paramref name="input"/> along
    /// <paramref name="axis"/> (negative counts from the end). The output's shape is the input's without that axis,
    /// or with it as 1 (keepdim); it is float32, except int32 for <see cref="Reduction.Argmax"/>.
    /// </summary>
    public static void ReduceAxis(this CommandRecorder recorder, Tensor input, int axis, Reduction reduction, Tensor output)
    {
        var push = Check(Op, input, axis, output, "output");
        ShapeCheck.DType(Op, "output", output, reduction == Reduction.Argmax ? DType.I32 : DType.F32);
        ShapeCheck.That(push.Axis > 0 || reduction is Reduction.Sum, Op,
            $"cannot take the {reduction} along an empty axis of 'input' [{input.ShapeText}].");
        var kernel = recorder.Device.GetKernel(new KernelSpec("reduce_axis", 2, Marshal.SizeOf<Push>(), GroupSize, (uint)reduction));
        recorder.Dispatch(kernel, Groups.For1D((long)push.Outer * push.Inner, GroupSize), push, Binding.Read(input), Binding.Write(output));
    }

    /// <summary>
    /// Records the backward of a <see cref="Reduction.Sum"/> or <see cref="Reduction.Mean"/>: overwrites
    /// <paramref name="inputGrad"/> (the input's shape) by broadcasting <paramref name="outputGrad"/> along
    /// <paramref name="axis"/>, divided by the axis length for the mean.
    /// </summary>
    public static void ReduceAxisBackward(this CommandRecorder recorder, Tensor outputGrad, int axis, Reduction reduction, Tensor inputGrad)
    {
        const string op = Op + "Backward";
        ShapeCheck.That(reduction is Reduction.Sum or Reduction.Mean, op, $"only sum and mean have a backward here, not {reduction}.");
        var push = Check(op, inputGrad, axis, outputGrad, "outputGrad");
        var kernel = recorder.Device.GetKernel(new KernelSpec("reduce_axis_backward", 2, Marshal.SizeOf<Push>(), GroupSize,
            SpecConstant.Bool(reduction == Reduction.Mean)));
        recorder.Dispatch(kernel, Groups.For1D(inputGrad.ElementCount, GroupSize), push, Binding.Read(outputGrad), Binding.Write(inputGrad));
    }

    private static Push Check(string op, Tensor full, int axis, Tensor reduced, string reducedName)
    {
        var resolved = axis < 0 ? axis + full.Rank : axis;
        ShapeCheck.That(resolved >= 0 && resolved < full.Rank, op, $"axis {axis} is out of range for [{full.ShapeText}] ({full.Name}).");
        var dropped = full.Shape.Where((_, a) => a != resolved).ToArray();
        var kept = full.Shape.Select((d, a) => a == resolved ? 1 : d).ToArray();
        ShapeCheck.That(reduced.Shape.SequenceEqual(dropped) || reduced.Shape.SequenceEqual(kept), op,
            $"'{reducedName}' ({reduced.Name}) must have shape [{string.Join("x", dropped)}] (or [{string.Join("x", kept)}]), got [{reduced.ShapeText}].");
        long outer = 1, inner = 1;
        for (var a = 0; a < resolved; a++) outer *= full.Dim(a);
        for (var a = resolved + 1; a < full.Rank; a++) inner *= full.Dim(a);
        return new Push(checked((uint)outer), (uint)full.Dim(resolved), checked((uint)inner));
    }
}
