using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>Host wrapper of fill.comp: sets every element of a tensor to one value.</summary>
public static class FillOp
{
    private const uint GroupSize = 256;

    private readonly struct Push(uint count, uint bits)
    {
        public readonly uint Count = count;
        public readonly uint Bits = bits;
    }

    /// <summary>Records <c>tensor[:] = value</c>.</summary>
    public static void Fill(this CommandRecorder recorder, Tensor tensor, float value) =>
        FillBits(recorder, tensor, BitConverter.SingleToUInt32Bits(value));

    /// <summary>Records <c>tensor[:] = value</c> for an integer tensor.</summary>
    public static void Fill(this CommandRecorder recorder, Tensor tensor, int value) =>
        FillBits(recorder, tensor, unchecked((uint)value));

    private static void FillBits(CommandRecorder recorder, Tensor tensor, uint bits)
    {
        var kernel = recorder.Device.GetKernel(new KernelSpec("fill", 1, 8, GroupSize));
        var count = checked((uint)tensor.ElementCount);
        recorder.Dispatch(kernel, Groups.For1D(count, GroupSize), new Push(count, bits), Binding.Write(tensor));
    }
}
