using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>Hyper-parameters of <see cref="AdamWOp.AdamW"/>, with torch.optim.AdamW's meaning.</summary>
/// <param name="LearningRate">lr (after any schedule for this step).</param>
/// <param name="Beta1">First-moment decay.</param>
/// <param name="Beta2">Second-moment decay.</param>
/// <param name="Epsilon">Added to the bias-corrected root of the second moment.</param>
/// <param name="WeightDecay">Decoupled weight decay, applied as param *= 1 - lr * wd to tensors whose decay flag is set.</param>
/// <remarks>Double precision, like torch's Python floats: the bias corrections are computed from them on the host.</remarks>
public readonly record struct AdamWSettings(double LearningRate, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8,
    double WeightDecay = 0.05);

/// <summary>Host wrapper of adamw.comp: one AdamW update of one parameter tensor and its two moment buffers, in place.</summary>
public static class AdamWOp
{
    private const uint GroupSize = 256;
    private const string Op = "AdamW";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Push(uint count, uint step, AdamWSettings s, bool decay, float maxNorm)
    {
        public readonly uint Count = count;
        public readonly float DecayFactor = (float)(1 - s.LearningRate * (decay ? s.WeightDecay : 0));
        public readonly float OneMinusBeta1 = (float)(1 - s.Beta1);
        public readonly float Beta2 = (float)s.Beta2;
        public readonly float OneMinusBeta2 = (float)(1 - s.Beta2);
        public readonly float Eps = (float)s.Epsilon;
        public readonly float StepSize = (float)(s.LearningRate / (1 - Math.Pow(s.Beta1, step)));
        public readonly float Correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(s.Beta2, step));
        public readonly float MaxNorm = maxNorm;
    }

    /// <summary>
    /// Records one AdamW step on <paramref name="parameters"/> with <paramref name="gradients"/>, updating the moments
    /// <paramref name="firstMoment"/> and <paramref name="secondMoment"/> (all the same shape; moments start at zero).
    /// <paramref name="step"/> is the 1-based step count used for bias correction; <paramref name="decay"/> is this
    /// tensor's entry of the weight-decay mask (false for biases and norm parameters, say). With
    /// <paramref name="clipNorm"/> (the global gradient norm [1], <see cref="GradientNormOp.GlobalGradientNorm"/>) the
    /// step uses the gradient clipped to <paramref name="maxNorm"/> as <see cref="GradientScaleOp.ClipGradientsByNorm"/>
    /// would clip it, without changing <paramref name="gradients"/> itself.
    /// </summary>
    public static void AdamW(this CommandRecorder recorder, Tensor parameters, Tensor gradients, Tensor firstMoment, Tensor secondMoment,
        int step, AdamWSettings settings, bool decay, Tensor? clipNorm = null, float maxNorm = 0)
    {
        ShapeCheck.Same(Op, "gradients", gradients, "parameters", parameters);
        ShapeCheck.Same(Op, "firstMoment", firstMoment, "parameters", parameters);
        ShapeCheck.Same(Op, "secondMoment", secondMoment, "parameters", parameters);
        ShapeCheck.That(step >= 1, Op, $"the step count must start at 1 (bias correction divides by 1 - beta^step), got {step}.");
        if (clipNorm is not null)
        {
            ShapeCheck.Exactly(Op, "clipNorm", clipNorm, 1);
            ShapeCheck.That(maxNorm > 0, Op, $"the maximum gradient norm must be positive, got {maxNorm}.");
        }
        var count = checked((uint)parameters.ElementCount);
        var kernel = recorder.Device.GetKernel(new KernelSpec("adamw", 5, Marshal.SizeOf<Push>(), GroupSize));
        recorder.Dispatch(kernel, Groups.For1D((count + 3) / 4, GroupSize), // four elements per invocation
            new Push(count, (uint)step, settings, decay, clipNorm is null ? 0 : maxNorm),
            Binding.ReadWrite(parameters), Binding.Read(gradients), Binding.ReadWrite(firstMoment), Binding.ReadWrite(secondMoment),
            Binding.Read(clipNorm ?? gradients));
    }
}
