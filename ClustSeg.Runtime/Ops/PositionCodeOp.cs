using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>Host wrapper of position_code.comp: the 2D sine position code P of the ClustSeg page (forward only).</summary>
public static class PositionCodeOp
{
    private const uint GroupSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Channels, uint Height, uint Width);

    /// <summary>
    /// Records the position code into <paramref name="code"/> [D, H, W] (D a multiple of 4): the first D/2 channels
    /// encode y, the last D/2 encode x; with y' = (y + 0.5) / H * 2 pi and f_j = 10000^(4j / D), channels (2j, 2j + 1)
    /// hold (sin(y' / f_j), cos(y' / f_j)).
    /// </summary>
    public static void SinePositionCode(this CommandRecorder recorder, Tensor code)
    {
        ShapeCheck.Rank("SinePositionCode", "code", code, 3);
        ShapeCheck.That(code.Dim(0) % 4 == 0, "SinePositionCode",
            $"'code' ({code.Name}) [{code.ShapeText}] needs a channel count divisible by 4 (sin and cos for y and for x).");
        var kernel = recorder.Device.GetKernel(new KernelSpec("position_code", 1, 12, GroupSize));
        recorder.Dispatch(kernel, Groups.For1D(code.ElementCount, GroupSize),
            new Push((uint)code.Dim(0), (uint)code.Dim(1), (uint)code.Dim(2)), Binding.Write(code));
    }
}
