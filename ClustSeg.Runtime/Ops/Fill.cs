using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>Sets every element of a tensor to one value (a transfer fill, <see cref="CommandRecorder.FillWords"/>).</summary>
public static class FillOp
{
    /// <summary>Records <c>tensor[:] = value</c>.</summary>
    public static void Fill(this CommandRecorder recorder, Tensor tensor, float value) =>
        recorder.FillWords(tensor, BitConverter.SingleToUInt32Bits(value), "fill");

    /// <summary>Records <c>tensor[:] = value</c> for an integer tensor.</summary>
    public static void Fill(this CommandRecorder recorder, Tensor tensor, int value) =>
        recorder.FillWords(tensor, unchecked((uint)value), "fill");
}
