using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Weight gradients of ungrouped convolutions whose weight rows (channels x kh x kw) are not a multiple of 4 on CPU
/// devices, such as the stem's 3 -> 32 convolution (27 per row): the columns GEMM needs whole vec4s along them, so these
/// ran on the general scalar kernel (about 1.6 GFLOP/s on lavapipe, 18 ms of a 256x256 training step for one layer).
/// Here the input gets zero channels up to the next multiple that fits, the columns path computes the wider gradient,
/// and the real channels are copied out. Exact: the zero channels only add weight-gradient rows that are dropped.
/// </summary>
internal static class Conv2dChannelPadded
{
    /// <summary>Whether padding channels is worth considering; <see cref="Conv2dOp"/> takes it only if the wider problem runs on the columns path.</summary>
    internal static bool Applies(CommandRecorder recorder, in Conv2dOp.Push f) =>
        Conv2dVec4.Suits(recorder) && f.Groups == 1 && f.Channels * f.KernelH * f.KernelW % 4 != 0;

    /// <summary>The same convolution with zero input channels added until a weight row is a whole number of vec4s.</summary>
    internal static Conv2dOp.Push Pad(in Conv2dOp.Push f)
    {
        var wide = f;
        while (wide.Channels * f.KernelH * f.KernelW % 4 != 0) wide.Channels++;
        return wide;
    }

    internal static void WeightGradient(CommandRecorder recorder, in Conv2dOp.Push f, Tensor x, Tensor gradY, Tensor gradWeight, bool accumulate)
    {
        var wide = Pad(f);
        int channels = (int)f.Channels, wideChannels = (int)wide.Channels, taps = (int)(f.KernelH * f.KernelW), outChannels = (int)f.OutChannels;
        // Named after the gradient, so that profiles put the copies under the layer that owns it.
        var wideX = recorder.Device.Scratch.Allocate(gradWeight.Name + ".input", DType.F32, x.Dim(0), wideChannels, x.Dim(2), x.Dim(3));
        recorder.Fill(wideX, 0f);
        recorder.CopyChannels(x, 0, wideX, 0, channels);
        var wideGrad = recorder.Device.Scratch.Allocate(gradWeight.Name + ".padded", DType.F32, outChannels, wideChannels, (int)f.KernelH, (int)f.KernelW);
        Conv2dOp.WeightGradient(recorder, wide, wideX, gradY, wideGrad, accumulate: false);
        recorder.CopyChannels(wideGrad.Reshape(outChannels, wideChannels, taps), 0, gradWeight.Reshape(outChannels, channels, taps), 0, channels, accumulate);
    }
}
