using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// 1x1, stride-1, unpadded, ungrouped convolutions on CPU devices as plain GEMMs on the vec4 register-blocked kernel,
/// which runs them about twice as fast as conv2d_vec4.comp (little work per loaded input row there). Per image n the
/// convolution is y[n] (O x HW) = W (O x C) x[n] (C x HW).
/// </summary>
internal static class Conv2dPointwise
{
    internal static bool Fits(CommandRecorder recorder, in Conv2dOp.Push f) =>
        Conv2dVec4.Suits(recorder) && f.KernelH == 1 && f.KernelW == 1 && f.StrideH == 1 && f.StrideW == 1 && f.PadH == 0 && f.PadW == 0 &&
        f.Groups == 1 && f.Channels % 4 == 0 && f.OutChannels % 4 == 0 && f.Height * f.Width % 4 == 0;

    internal static void Forward(CommandRecorder recorder, in Conv2dOp.Push f, Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        int c = (int)f.Channels, o = (int)f.OutChannels, pixels = (int)(f.Height * f.Width);
        Gemm.Record(recorder, "conv2d", new Gemm.Problem(weight, false, 0, x, false, (long)c * pixels, y, bias,
            o, pixels, c, (int)f.Batch, 1, false, BiasPerRow: true), GemmPath.RegisterBlocked);
    }

    /// <summary>dx[n] (C x HW) = W^T dy[n].</summary>
    internal static void InputGradient(CommandRecorder recorder, in Conv2dOp.Push f, Tensor gradY, Tensor weight, Tensor gradX, bool accumulate)
    {
        int c = (int)f.Channels, o = (int)f.OutChannels, pixels = (int)(f.Height * f.Width);
        Gemm.Record(recorder, "conv2d", new Gemm.Problem(weight, true, 0, gradY, false, (long)o * pixels, gradX, null,
            c, pixels, o, (int)f.Batch, 1, accumulate), GemmPath.RegisterBlocked);
    }

    /// <summary>dW (O x C) = sum over images of dy[n] x[n]^T, reduced inside the kernel.</summary>
    internal static void WeightGradient(CommandRecorder recorder, in Conv2dOp.Push f, Tensor x, Tensor gradY, Tensor gradWeight, bool accumulate)
    {
        int c = (int)f.Channels, o = (int)f.OutChannels, pixels = (int)(f.Height * f.Width);
        Gemm.Record(recorder, "conv2d", new Gemm.Problem(gradY, false, (long)o * pixels, x, true, (long)c * pixels, gradWeight, null,
            o, c, pixels, 1, (int)f.Batch, accumulate), GemmPath.RegisterBlocked);
    }
}
