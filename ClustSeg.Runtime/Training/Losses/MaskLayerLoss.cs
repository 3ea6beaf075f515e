using ClustSeg.Runtime.Memory;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Training.Matching;

namespace ClustSeg.Runtime.Training.Losses;

/// <summary>The step's running sums of each loss term over the decoder layers (one-element tensors).</summary>
internal sealed record MaskLossSums(Tensor? ClassCe, Tensor? MaskBce, Tensor? SemanticCe, Tensor Dice);

/// <summary>
/// Records one decoder layer's losses and the gradients of its logits (already multiplied by the loss weights).
/// Mask losses run on the matched centres' masks gathered into one [M, H/4 * W/4] tensor over the whole batch, so
/// SigmoidBce (mean over pixels and masks) and DiceLoss (mean over masks) divide by M, the number of supervised
/// targets in the batch, as Mask2Former normalises.
/// </summary>
internal sealed class MaskLayerLoss(CommandRecorder recorder, MemoryArena scratch, int classes)
{
    private readonly Dictionary<float, Tensor> _scalars = [];

    /// <summary>
    /// Instance and panoptic: class CE over every centre (no-object weighted <see cref="MaskLossWeights.NoObjectWeight"/>),
    /// BCE and dice over matched pairs. Returns the gradients of the class logits and the mask logits.
    /// </summary>
    public (Tensor ClassGrad, Tensor MaskGrad) RecordMatched(string name, Tensor classLogits, Tensor maskLogits, MaskAssignment assignment,
        Tensor classWeights, float[] gatheredTargets, MaskLossSums sums)
    {
        var (batch, centres) = (classLogits.Dim(0), classLogits.Dim(1));
        var rows = classLogits.Reshape(batch * centres, classes + 1);
        var labels = scratch.Allocate(name + ".centre_classes", DType.I32, batch * centres);
        recorder.Device.Upload<int>(labels, assignment.CentreClasses);
        var classLoss = scratch.Allocate(name + ".class_ce", DType.F32, 1);
        var weightTotal = scratch.Allocate(name + ".class_ce.weight_total", DType.F32, 1);
        recorder.SoftmaxCrossEntropy(rows, labels, classWeights, classLoss, weightTotal);
        recorder.Accumulate(sums.ClassCe!, classLoss);
        var classGrad = scratch.Allocate(name + ".class_logits.grad", DType.F32, classLogits.Shape.ToArray());
        recorder.SoftmaxCrossEntropyBackward(rows, labels, classWeights, weightTotal, Scalar(MaskLossWeights.ClassCrossEntropy), classGrad.Reshape(rows.Shape.ToArray()));

        var maskGrad = scratch.Allocate(name + ".mask_logits.grad", DType.F32, maskLogits.Shape.ToArray());
        recorder.Fill(maskGrad, 0f);
        var pairs = assignment.Pairs;
        if (pairs.Count == 0) return (classGrad, maskGrad);
        var pixels = gatheredTargets.Length / pairs.Count;
        var gathered = Gather(name, maskLogits, pairs, pixels);
        var targets = scratch.Allocate(name + ".mask_targets", DType.F32, pairs.Count, pixels);
        recorder.Device.Upload<float>(targets, gatheredTargets);
        var bce = scratch.Allocate(name + ".mask_bce", DType.F32, 1);
        recorder.SigmoidBce(gathered, targets, bce);
        recorder.Accumulate(sums.MaskBce!, bce);
        var gatheredGrad = scratch.Allocate(name + ".gathered.grad", DType.F32, pairs.Count, pixels);
        recorder.SigmoidBceBackward(gathered, targets, Scalar(MaskLossWeights.MaskBce), gatheredGrad);
        var diceGrad = RecordDice(name, gathered, targets, MaskLossWeights.MaskDice, sums.Dice);
        recorder.Accumulate(gatheredGrad, diceGrad);
        Scatter(gatheredGrad, maskGrad, pairs, centres);
        return (classGrad, maskGrad);
    }

    /// <summary>
    /// Semantic: per-pixel softmax CE over the class centres' mask logits against the 1/4 labels (255 ignored), plus
    /// dice of the present classes' masks. Returns the gradient of the mask logits.
    /// </summary>
    public Tensor RecordSemantic(string name, Tensor maskLogits, Tensor labels4, MaskAssignment assignment, float[] gatheredTargets, MaskLossSums sums)
    {
        var ce = scratch.Allocate(name + ".semantic_ce", DType.F32, 1);
        var weightTotal = scratch.Allocate(name + ".semantic_ce.weight_total", DType.F32, 1);
        recorder.SoftmaxCrossEntropy(maskLogits, labels4, null, ce, weightTotal);
        recorder.Accumulate(sums.SemanticCe!, ce);
        var maskGrad = scratch.Allocate(name + ".mask_logits.grad", DType.F32, maskLogits.Shape.ToArray());
        recorder.SoftmaxCrossEntropyBackward(maskLogits, labels4, null, weightTotal, Scalar(MaskLossWeights.SemanticCrossEntropy), maskGrad);
        var pairs = assignment.Pairs;
        if (pairs.Count == 0) return maskGrad;
        var pixels = gatheredTargets.Length / pairs.Count;
        var gathered = Gather(name, maskLogits, pairs, pixels);
        var targets = scratch.Allocate(name + ".mask_targets", DType.F32, pairs.Count, pixels);
        recorder.Device.Upload<float>(targets, gatheredTargets);
        var diceGrad = RecordDice(name, gathered, targets, MaskLossWeights.SemanticDice, sums.Dice);
        Scatter(diceGrad, maskGrad, pairs, maskLogits.Dim(1));
        return maskGrad;
    }

    private Tensor RecordDice(string name, Tensor gathered, Tensor targets, float weight, Tensor sum)
    {
        var stats = scratch.Allocate(name + ".dice.stats", DType.F32, gathered.Dim(0), 3);
        var dice = scratch.Allocate(name + ".dice", DType.F32, 1);
        recorder.DiceLoss(gathered, targets, stats, dice);
        recorder.Accumulate(sum, dice);
        var grad = scratch.Allocate(name + ".dice.grad", DType.F32, gathered.Shape.ToArray());
        recorder.DiceLossBackward(gathered, targets, stats, Scalar(weight), grad);
        return grad;
    }

    /// <summary>Copies each pair's mask logits (row image * K + centre) into row m of a [M, pixels] tensor.</summary>
    private Tensor Gather(string name, Tensor maskLogits, IReadOnlyList<MatchedPair> pairs, int pixels)
    {
        var centres = maskLogits.Dim(1);
        var source = maskLogits.Reshape(1, maskLogits.Dim(0) * centres, pixels);
        var gathered = scratch.Allocate(name + ".gathered", DType.F32, 1, pairs.Count, pixels);
        foreach (var (first, row, count) in Runs(pairs, centres)) recorder.CopyChannels(source, row, gathered, first, count);
        return gathered.Reshape(pairs.Count, pixels);
    }

    /// <summary>Adds row m of <paramref name="gatheredGrad"/> to the gradient of its pair's mask logits.</summary>
    private void Scatter(Tensor gatheredGrad, Tensor maskGrad, IReadOnlyList<MatchedPair> pairs, int centres)
    {
        var pixels = gatheredGrad.Dim(1);
        var source = gatheredGrad.Reshape(1, pairs.Count, pixels);
        var destination = maskGrad.Reshape(1, maskGrad.Dim(0) * centres, pixels);
        foreach (var (first, row, count) in Runs(pairs, centres)) recorder.CopyChannels(source, first, destination, row, count, accumulate: true);
    }

    /// <summary>
    /// Pairs m .. m + count - 1 whose logit rows (image * K + centre) are consecutive, so one copy moves them all
    /// (class centres of present classes often are); fewer, larger copies than one per pair.
    /// </summary>
    private static IEnumerable<(int First, int Row, int Count)> Runs(IReadOnlyList<MatchedPair> pairs, int centres)
    {
        var m = 0;
        while (m < pairs.Count)
        {
            var row = pairs[m].Image * centres + pairs[m].Centre;
            var count = 1;
            while (m + count < pairs.Count && pairs[m + count].Image * centres + pairs[m + count].Centre == row + count) count++;
            yield return (m, row, count);
            m += count;
        }
    }

    /// <summary>A one-element tensor holding <paramref name="value"/>: the upstream gradient (the loss weight) of a loss kernel.</summary>
    private Tensor Scalar(float value)
    {
        if (_scalars.TryGetValue(value, out var tensor)) return tensor;
        tensor = scratch.Allocate($"loss_weight.{value}", DType.F32, 1);
        recorder.Fill(tensor, value);
        return _scalars[value] = tensor;
    }
}
