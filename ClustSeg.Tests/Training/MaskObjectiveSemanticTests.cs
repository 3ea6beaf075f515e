using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Training.Losses;
using ClustSeg.Tests.Models;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Training;

/// <summary>
/// Semantic steps of the tiny model on hand-made 64x64 images: per-pixel CE over the class centres' mask logits at 1/4
/// (labels from the top-left pixel of each 4x4 cell, 255 ignored) and dice over each image's present classes, against
/// a CPU reference and central differences; and the memory-bank update recorded after backward.
/// </summary>
public sealed class MaskObjectiveSemanticTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Size = MaskBatches.Size, Cells = Size / 4, Pixels = Cells * Cells;

    [Fact]
    public void LossesAndSeededGradientsAgreeWithTheCpuReference()
    {
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Semantic, MaskBatches.ClassNames, MaskBatches.Things);
        model.Initialize(Device, seed: 7);
        Device.Upload<float>(model.Bank!.Value, Numerics.ToFloat(Numerics.Random((int)model.Bank.ElementCount, 8)));
        var objective = new MaskObjective(model);
        var batch = MaskBatches.Make(2);
        var terms = MaskStep.Run(Device, objective, batch);
        var details = objective.LastStep!;
        var classes = model.Classes;

        var labels4 = new int[batch.Count * Pixels];
        var pairsOf = new List<(int Image, int Class, double[] Mask)>();
        for (var n = 0; n < batch.Count; n++)
        {
            var plane = batch.Labels.AsSpan(n * Size * Size, Size * Size).ToArray();
            for (var y = 0; y < Cells; y++)
                for (var x = 0; x < Cells; x++)
                    labels4[n * Pixels + y * Cells + x] = plane[y * 4 * Size + x * 4];
            for (var c = 0; c < classes; c++)
                if (plane.Any(v => v == c)) pairsOf.Add((n, c, MaskBatches.CellFractions((y, x) => plane[y * Size + x] == c)));
        }
        Assert.Equal(7, pairsOf.Count); // scene 0 has all four classes, scene 1 three
        double ce = 0, dice = 0;
        for (var l = 0; l < model.DecoderLayers; l++)
        {
            Assert.Null(details.ClassGradients[l]);
            Assert.Equal(pairsOf.Select(p => (p.Image, p.Class)), details.Assignments[l].Pairs.Select(p => (p.Image, p.Centre)));
            var pairs = pairsOf.Select(p => new ReferencePair(p.Image, p.Class, p.Mask)).ToList();
            var maskLogits = MaskStep.ReadDouble(Device, details.Outputs.MaskLogits[l]);
            double LayerLoss(double[] x) =>
                5 * MaskLossReference.PixelCrossEntropy(x, batch.Count, classes, Pixels, labels4) + MaskLossReference.Dice(x, classes, Pixels, pairs);
            ce += MaskLossReference.PixelCrossEntropy(maskLogits, batch.Count, classes, Pixels, labels4);
            dice += MaskLossReference.Dice(maskLogits, classes, Pixels, pairs);
            if (l == 1)
            {
                var random = new Random(3);
                var probes = Enumerable.Range(0, 24).Select(_ => random.Next(maskLogits.Length)).Append(255).Append(2 * classes * Pixels - 1).ToList();
                var grad = Device.Read(details.MaskGradients[l]);
                Numerics.AssertClose(probes.Select(i => grad[i]).ToArray(), MaskStep.Differences(LayerLoss, maskLogits, probes), 1e-4, $"layer {l} mask logit gradient");
            }
        }
        Assert.Equal(ce, terms["semantic_ce"].Value, ce * 1e-5);
        Assert.Equal(dice, terms["dice"].Value, dice * 1e-5);
        Assert.Equal((5f, 1f), (terms["semantic_ce"].Weight, terms["dice"].Weight));
        Assert.Equal(TimeSpan.Zero, objective.LastMatchingTime);
        ModelRun.Release(Device, model);
    }

    [Fact]
    public void TheStepUpdatesTheBankRowsOfPresentClassesOnly()
    {
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Semantic, MaskBatches.ClassNames, MaskBatches.Things);
        model.Initialize(Device, seed: 9);
        var objective = new MaskObjective(model);
        var batch = MaskBatches.Make(1, first: 1); // classes 0, 1, 2 present; 3 absent
        MaskStep.Run(Device, objective, batch);
        var features = Device.Read(objective.LastStep!.Outputs.Features8);
        var dim = model.Dim;
        const int cells = Size / 8;
        var expected = new double[model.Classes * dim];
        var counts = new int[model.Classes];
        for (var cy = 0; cy < cells; cy++)
        {
            for (var cx = 0; cx < cells; cx++)
            {
                var label = batch.Labels[cy * 8 * Size + cx * 8];
                if (label >= model.Classes) continue;
                counts[label]++;
                for (var d = 0; d < dim; d++) expected[label * dim + d] += features[(d * cells + cy) * cells + cx];
            }
        }
        Assert.Equal([1, 1, 1, 0], counts.Select(c => c > 0 ? 1 : 0));
        for (var i = 0; i < expected.Length; i++) expected[i] = counts[i / dim] == 0 ? 0 : expected[i] / counts[i / dim];
        // The bank starts at zero, so the first update copies the class means; the absent class's row stays zero.
        Numerics.AssertClose(Device.Read(model.Bank!.Value), expected, 1e-5, "bank after one step");
        ModelRun.Release(Device, model);
    }
}
