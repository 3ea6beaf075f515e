using System.Diagnostics;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Training.Matching;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Training.Losses;

/// <summary>What one recorded step left behind, for tests and measurements.</summary>
internal sealed record MaskStepDetails(ClustSegOutputs Outputs, MaskTargets Targets, MaskAssignment[] Assignments, float[][]? Costs,
    IReadOnlyList<Tensor?> ClassGradients, IReadOnlyList<Tensor> MaskGradients);

/// <summary>
/// The training objective of the semantic, instance and panoptic tasks (clustseg.md "Losses", project choices in
/// docs/model.md): forward, the losses of every decoder layer (deep supervision), backward, then the memory-bank update.
/// Instance and panoptic steps compute the matching cost on the device, submit the given recorder, run the Hungarian
/// matching on the host and go on with a new recorder, which they return open; the loop keeps owning the given one.
/// Reported terms are sums over the decoder layers: semantic <c>semantic_ce</c> (x5) and <c>dice</c> (x1); instance and
/// panoptic <c>class_ce</c> (x2), <c>mask_bce</c> (x5) and <c>dice</c> (x5).
/// </summary>
public sealed class MaskObjective : ITrainingObjective<TrainingBatch>
{
    /// <summary>Trains <paramref name="network"/> (allocated and initialised or loaded) for its own task.</summary>
    public MaskObjective(ClustSegModel network)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
    }

    /// <summary>The model being trained.</summary>
    public ClustSegModel Network { get; }

    /// <inheritdoc />
    public Module Model => Network.Module;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> CheckpointMetadata => Network.Metadata();

    /// <summary>Host time of the last step's Hungarian matching (all images and layers), zero for semantic steps.</summary>
    public TimeSpan LastMatchingTime { get; private set; }

    internal MaskStepDetails? LastStep { get; private set; }

    /// <inheritdoc />
    public TrainingStepRecording RecordStep(GpuDevice device, CommandRecorder recorder, TrainingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(batch);
        var targets = MaskTargets.Build(batch, Network);
        var scratch = device.Scratch;
        var image = scratch.Allocate("batch.images", DType.F32, batch.Count, 3, batch.Height, batch.Width);
        device.Upload<float>(image, batch.Images);
        var context = TrainingStep.TrainingContext(device, recorder);
        var outputs = Network.Forward(context, image);
        var layers = outputs.ClassLogits.Count;
        var centres = Network.Centres;
        var matching = new MaskMatching(targets);
        float[][]? costs = null;
        if (matching.Columns > 0)
        {
            costs = RecordCosts(device, recorder, outputs, matching, targets);
            recorder = device.BeginRecording(recorder.Profiling);
            context = TrainingStep.TrainingContext(device, recorder);
        }
        var firstMatched = Network.Task == ClustSegTask.Panoptic ? Network.Classes - Network.Things : 0;
        var clock = Stopwatch.StartNew();
        var assignments = Enumerable.Range(0, layers)
            .Select(l => matching.Assign(costs is null ? [] : costs[l], centres, Network.Classes, firstMatched)).ToArray();
        LastMatchingTime = costs is null ? TimeSpan.Zero : clock.Elapsed;

        var semantic = Network.Task == ClustSegTask.Semantic;
        var sums = new MaskLossSums(semantic ? null : Zero(recorder, scratch, "loss.class_ce"), semantic ? null : Zero(recorder, scratch, "loss.mask_bce"),
            semantic ? Zero(recorder, scratch, "loss.semantic_ce") : null, Zero(recorder, scratch, "loss.dice"));
        var layerLoss = new MaskLayerLoss(recorder, scratch, Network.Classes);
        var classGradients = new Tensor?[layers];
        var maskGradients = new Tensor[layers];
        var labels4 = semantic ? Upload(device, scratch, "batch.labels4", targets.Labels4, batch.Count, targets.Height4, targets.Width4) : null;
        var classWeights = semantic ? null : ClassWeights(device, scratch, Network.Classes);
        for (var l = 0; l < layers; l++)
        {
            var gathered = GatheredTargets(targets, assignments[l]);
            if (semantic)
            {
                maskGradients[l] = layerLoss.RecordSemantic($"layer{l}", outputs.MaskLogits[l], labels4!, assignments[l], gathered, sums);
            }
            else
            {
                (classGradients[l], maskGradients[l]) = layerLoss.RecordMatched($"layer{l}", outputs.ClassLogits[l], outputs.MaskLogits[l],
                    assignments[l], classWeights!, gathered, sums);
            }
        }
        Network.Backward(context, semantic ? null : classGradients, maskGradients);
        var labels = Upload(device, scratch, "batch.labels", targets.Labels, batch.Count, batch.Height, batch.Width);
        Network.UpdateMemoryBank(recorder, outputs.Features8, labels);
        LastStep = new MaskStepDetails(outputs, targets, assignments, costs, classGradients, maskGradients);
        IReadOnlyList<LossTerm> terms = semantic
            ? [new("semantic_ce", sums.SemanticCe!, MaskLossWeights.SemanticCrossEntropy), new("dice", sums.Dice, MaskLossWeights.SemanticDice)]
            : [new("class_ce", sums.ClassCe!, MaskLossWeights.ClassCrossEntropy), new("mask_bce", sums.MaskBce!, MaskLossWeights.MaskBce),
                new("dice", sums.Dice, MaskLossWeights.MaskDice)];
        return new TrainingStepRecording(recorder, terms);
    }

    /// <summary>Records every layer's cost matrix [B, K, T], submits <paramref name="recorder"/> and downloads them.</summary>
    private static float[][] RecordCosts(GpuDevice device, CommandRecorder recorder, ClustSegOutputs outputs, MaskMatching matching, MaskTargets targets)
    {
        var scratch = device.Scratch;
        var columns = matching.Columns;
        var classes = Upload(device, scratch, "matching.target_classes", matching.TargetClasses(), targets.Batch, columns);
        var masks = scratch.Allocate("matching.target_masks", DType.F32, targets.Batch, columns, targets.Height4, targets.Width4);
        device.Upload<float>(masks, matching.TargetMasks());
        var costs = outputs.ClassLogits.Select((logits, l) =>
        {
            var cost = scratch.Allocate($"matching.cost{l}", DType.F32, targets.Batch, logits.Dim(1), columns);
            recorder.MatchingCost(logits, outputs.MaskLogits[l], classes, masks, cost);
            return cost;
        }).ToList();
        recorder.Submit();
        return costs.Select(device.Download<float>).ToArray();
    }

    /// <summary>[M, H/4 * W/4] the target masks of the assignment's pairs, in pair order.</summary>
    private static float[] GatheredTargets(MaskTargets targets, MaskAssignment assignment)
    {
        var pixels = targets.Pixels4;
        var gathered = new float[assignment.Pairs.Count * pixels];
        for (var m = 0; m < assignment.Pairs.Count; m++)
        {
            var pair = assignment.Pairs[m];
            targets.Images[pair.Image][pair.Target].Mask.CopyTo(gathered, m * pixels);
        }
        return gathered;
    }

    /// <summary>1 for every class, <see cref="MaskLossWeights.NoObjectWeight"/> for no-object (the last index).</summary>
    private static Tensor ClassWeights(GpuDevice device, Memory.MemoryArena scratch, int classes)
    {
        var weights = Enumerable.Repeat(1f, classes + 1).ToArray();
        weights[classes] = MaskLossWeights.NoObjectWeight;
        var tensor = scratch.Allocate("loss.class_weights", DType.F32, classes + 1);
        device.Upload<float>(tensor, weights);
        return tensor;
    }

    private static Tensor Upload(GpuDevice device, Memory.MemoryArena scratch, string name, int[] values, params int[] shape)
    {
        var tensor = scratch.Allocate(name, DType.I32, shape);
        device.Upload<int>(tensor, values);
        return tensor;
    }

    private static Tensor Zero(CommandRecorder recorder, Memory.MemoryArena scratch, string name)
    {
        var tensor = scratch.Allocate(name, DType.F32, 1);
        recorder.Fill(tensor, 0f);
        return tensor;
    }
}
