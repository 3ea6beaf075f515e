using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>Host wrapper of gradient_scale.comp: gradient clipping by a scale factor, in place (forward only).</summary>
public static class GradientScaleOp
{
    /// <summary>Added to the norm before dividing, as torch.nn.utils.clip_grad_norm_ does.</summary>
    public const float NormEpsilon = 1e-6f;

    private const uint GroupSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Push(uint count, float value)
    {
        public readonly uint Count = count;
        public readonly float ScaleOrMaxNorm = value;
    }

    /// <summary>Records <c>gradients *= scale</c> with a scale computed on the host.</summary>
    public static void ScaleGradients(this CommandRecorder recorder, Tensor gradients, float scale) =>
        Record(recorder, gradients, null, scale);

    /// <summary>
    /// Records <c>gradients *= min(1, maxNorm / (norm[0] + 1e-6))</c>, reading the global norm [1] on the device
    /// (e.g. from <see cref="GradientNormOp.GlobalGradientNorm"/>), as torch.nn.utils.clip_grad_norm_ clips.
    /// </summary>
    public static void ClipGradientsByNorm(this CommandRecorder recorder, Tensor gradients, Tensor norm, float maxNorm)
    {
        ShapeCheck.Exactly("ClipGradientsByNorm", "norm", norm, 1);
        ShapeCheck.That(maxNorm > 0, "ClipGradientsByNorm", $"the maximum norm must be positive, got {maxNorm}.");
        Record(recorder, gradients, norm, maxNorm);
    }

    private static void Record(CommandRecorder recorder, Tensor gradients, Tensor? norm, float value)
    {
        ShapeCheck.DType("ScaleGradients", "gradients", gradients, DType.F32);
        var count = checked((uint)gradients.ElementCount);
        var kernel = recorder.Device.GetKernel(new KernelSpec("gradient_scale", 2, Marshal.SizeOf<Push>(), GroupSize,
            SpecConstant.Bool(norm is not null)));
        recorder.Dispatch(kernel, Groups.For1D(count, GroupSize), new Push(count, value),
            Binding.ReadWrite(gradients), Binding.Read(norm ?? gradients));
    }
}
