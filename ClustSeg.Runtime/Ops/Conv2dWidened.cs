using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Convolutions of maps whose width is not a multiple of 4 on CPU devices: the vec4 and columns kernels read rows in
/// whole vec4s, so such maps (a 481x321 BSDS500 picture, a 201x201 training crop) used to fall to the general scalar
/// kernels, 5 to 10 times slower on lavapipe. Here the input is padded on the right with zero columns to the next
/// multiple of 4 (<see cref="PlaneCopyOp"/>), the widened convolution runs on the fast path, and the extra output
/// columns are cropped off. The result is exact, not an approximation: an output column that exists in the original
/// reads past the input's right edge only where the convolution's own zero padding would have supplied zeros, and in
/// the gradients the padded output columns carry zero gradient.
/// </summary>
internal static class Conv2dWidened
{
    /// <summary>Whether widening is worth considering; <see cref="Conv2dOp"/> takes it only if the widened problem vectorises.</summary>
    internal static bool Applies(CommandRecorder recorder, in Conv2dOp.Push f) => Conv2dVec4.Suits(recorder) && f.Width % 4 != 0;

    /// <summary>The same convolution on the input widened to a multiple of 4 columns.</summary>
    internal static Conv2dOp.Push Widen(in Conv2dOp.Push f)
    {
        var wide = f;
        wide.Width = (f.Width + 3) / 4 * 4;
        wide.OutWidth = (wide.Width + 2 * f.PadW - f.DilationW * (f.KernelW - 1) - 1) / f.StrideW + 1;
        return wide;
    }

    internal static void Forward(CommandRecorder recorder, in Conv2dOp.Push f, Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        var wide = Widen(f);
        var wideX = Pad(recorder, x, wide.Width, y.Name);
        var wideY = recorder.Device.Scratch.Allocate(y.Name + ".wide", DType.F32, y.Dim(0), y.Dim(1), y.Dim(2), (int)wide.OutWidth);
        Conv2dOp.Forward(recorder, wide, wideX, weight, bias, wideY);
        recorder.CopyPlanes(wideY, y);
    }

    internal static void InputGradient(CommandRecorder recorder, in Conv2dOp.Push f, Tensor gradY, Tensor weight, Tensor gradX, bool accumulate)
    {
        var wide = Widen(f);
        var wideGradX = recorder.Device.Scratch.Allocate(gradX.Name + ".wide", DType.F32, gradX.Dim(0), gradX.Dim(1), gradX.Dim(2), (int)wide.Width);
        Conv2dOp.InputGradient(recorder, wide, Pad(recorder, gradY, wide.OutWidth, gradX.Name), weight, wideGradX, accumulate: false);
        recorder.CopyPlanes(wideGradX, gradX, accumulate);
    }

    internal static void WeightGradient(CommandRecorder recorder, in Conv2dOp.Push f, Tensor x, Tensor gradY, Tensor gradWeight, bool accumulate)
    {
        var wide = Widen(f);
        Conv2dOp.WeightGradient(recorder, wide, Pad(recorder, x, wide.Width, gradWeight.Name), Pad(recorder, gradY, wide.OutWidth, gradWeight.Name),
            gradWeight, accumulate);
    }

    // The padded copy is named after the call's result (owner), so that profiles put the copy under the layer that owns it.
    private static Tensor Pad(CommandRecorder recorder, Tensor t, uint width, string owner)
    {
        var wide = recorder.Device.Scratch.Allocate(owner + ".wide." + t.Name, DType.F32, t.Dim(0), t.Dim(1), t.Dim(2), (int)width);
        recorder.CopyPlanes(t, wide);
        return wide;
    }
}
