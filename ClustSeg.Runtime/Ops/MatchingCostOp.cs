using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of matching_cost.comp (forward only): the Hungarian matching cost matrix for all (prediction,
/// target) pairs, cost = 2 CE_class + 5 BCE_mask + 5 dice by default (clustseg.md "Losses"), with CE_class the
/// negative log softmax probability of the target's class, BCE_mask the mean sigmoid BCE over pixels and dice the
/// Mask2Former form 1 - (2 sum p t + 1) / (sum p + sum t + 1).
/// </summary>
public static class MatchingCostOp
{
    /// <summary>Weight of the class term in clustseg.md.</summary>
    public const float DefaultClassWeight = 2f;

    /// <summary>Weight of the mask BCE term in clustseg.md.</summary>
    public const float DefaultMaskWeight = 5f;

    /// <summary>Weight of the dice term in clustseg.md.</summary>
    public const float DefaultDiceWeight = 5f;

    private const uint GroupSize = 64;
    private const string Op = "MatchingCost";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Push(int batch, int predictions, int targets, int classes, int pixels, float classWeight, float maskWeight, float diceWeight)
    {
        public readonly uint Batch = (uint)batch;
        public readonly uint Predictions = (uint)predictions;
        public readonly uint Targets = (uint)targets;
        public readonly uint Classes = (uint)classes;
        public readonly uint Pixels = (uint)pixels;
        public readonly float ClassWeight = classWeight;
        public readonly float MaskWeight = maskWeight;
        public readonly float DiceWeight = diceWeight;
    }

    /// <summary>
    /// Records <paramref name="cost"/> [B, Q, T] from <paramref name="classLogits"/> [B, Q, classes] (no-object
    /// included), <paramref name="maskLogits"/> [B, Q, pixels...], int32 <paramref name="targetClasses"/> [B, T] and
    /// <paramref name="targetMasks"/> [B, T, pixels...] (same pixel shape as the mask logits, values in [0, 1]).
    /// Images with fewer targets pad with class -1: those columns get no class term and are to be ignored.
    /// A [B, Q, 3] temporary comes from <c>Device.Scratch</c>.
    /// </summary>
    public static void MatchingCost(this CommandRecorder recorder, Tensor classLogits, Tensor maskLogits, Tensor targetClasses,
        Tensor targetMasks, Tensor cost, float classWeight = DefaultClassWeight, float maskWeight = DefaultMaskWeight,
        float diceWeight = DefaultDiceWeight)
    {
        ShapeCheck.Rank(Op, "classLogits", classLogits, 3);
        ShapeCheck.Rank(Op, "targetClasses", targetClasses, 2);
        ShapeCheck.DType(Op, "targetClasses", targetClasses, DType.I32);
        var (batch, predictions, classes) = (classLogits.Dim(0), classLogits.Dim(1), classLogits.Dim(2));
        var targets = targetClasses.Dim(1);
        ShapeCheck.Exactly(Op, "targetClasses", targetClasses, batch, targets);
        ShapeCheck.That(maskLogits.Rank >= 2 && maskLogits.Dim(0) == batch && maskLogits.Dim(1) == predictions, Op,
            $"'maskLogits' ({maskLogits.Name}) must be [{batch}x{predictions}x...] to match 'classLogits' [{classLogits.ShapeText}], got [{maskLogits.ShapeText}].");
        var targetShape = maskLogits.Shape.ToArray();
        targetShape[1] = targets;
        ShapeCheck.Exactly(Op, "targetMasks", targetMasks, targetShape);
        ShapeCheck.Exactly(Op, "cost", cost, batch, predictions, targets);
        var pixels = predictions == 0 || batch == 0 ? 0 : checked((int)(maskLogits.ElementCount / ((long)batch * predictions)));
        var stats = recorder.Device.Scratch.Allocate("matching_cost.prediction_stats", DType.F32, batch, predictions, 3);
        // Each invocation walks every mask pixel (and the classes twice): refused, not truncated, past lavapipe's loop limit.
        CpuLoopBudget.Check(recorder.Device, "MatchingCost", pixels + 2L * (classes + 1) + 1, $"masks of {pixels:N0} pixels");
        var push = new Push(batch, predictions, targets, classes, pixels, classWeight, maskWeight, diceWeight);
        recorder.Dispatch(Kernel(recorder, 0), Groups.For1D((long)batch * predictions, GroupSize), push,
            Binding.Read(classLogits), Binding.Read(maskLogits), Binding.Read(targetClasses), Binding.Read(targetMasks),
            Binding.Write(stats), Binding.Read(cost));
        recorder.Dispatch(Kernel(recorder, 1), Groups.For1D((long)batch * predictions * targets, GroupSize), push,
            Binding.Read(classLogits), Binding.Read(maskLogits), Binding.Read(targetClasses), Binding.Read(targetMasks),
            Binding.Read(stats), Binding.Write(cost));
    }

    private static Kernel Kernel(CommandRecorder recorder, uint stage) =>
        recorder.Device.GetKernel(new KernelSpec("matching_cost", 6, Marshal.SizeOf<Push>(), GroupSize, stage));
}
