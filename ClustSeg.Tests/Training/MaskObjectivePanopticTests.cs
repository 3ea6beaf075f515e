using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Training.Losses;
using ClustSeg.Tests.Models;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Training;

/// <summary>
/// One panoptic step of the tiny model on two hand-made 64x64 images: the targets, the matching (brute-force optimum
/// of the device cost, which agrees with a CPU cost), every layer's losses against a CPU reference, and the seeded
/// logit gradients against central differences of that reference.
/// </summary>
public sealed class MaskObjectivePanopticTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Pixels = MaskBatches.Size / 4 * (MaskBatches.Size / 4);

    private sealed record ExpectedTarget(int ClassId, int FixedCentre, double[] Mask);

    [Fact]
    public void LossesMatchingAndSeededGradientsAgreeWithTheCpuReference()
    {
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Panoptic, MaskBatches.ClassNames, MaskBatches.Things);
        model.Initialize(Device, seed: 5);
        // A bank as after some training, so that the two stuff centres differ.
        Device.Upload<float>(model.Bank!.Value, Numerics.ToFloat(Numerics.Random((int)model.Bank.ElementCount, 6)));
        var objective = new MaskObjective(model);
        var batch = MaskBatches.Make(2);
        var terms = MaskStep.Run(Device, objective, batch);
        var details = objective.LastStep!;

        var (centres, width, stuff) = (model.Centres, model.Classes + 1, model.Classes - model.Things);
        var expected = Enumerable.Range(0, batch.Count).Select(n => ExpectedTargets(batch, n)).ToArray();
        var classWeights = Enumerable.Range(0, width).Select(c => c == model.Classes ? 0.1 : 1.0).ToArray();
        double ce = 0, bce = 0, dice = 0;
        for (var l = 0; l < model.DecoderLayers; l++)
        {
            var classLogits = MaskStep.ReadDouble(Device, details.Outputs.ClassLogits[l]);
            var maskLogits = MaskStep.ReadDouble(Device, details.Outputs.MaskLogits[l]);
            var assignment = details.Assignments[l];
            var pairs = new List<ReferencePair>();
            var centreClasses = Enumerable.Repeat(model.Classes, batch.Count * centres).ToArray();
            for (var n = 0; n < batch.Count; n++)
            {
                Assert.Equal(expected[n].Select(t => t.ClassId), details.Targets.Images[n].Select(t => t.ClassId));
                var mine = assignment.Pairs.Where(p => p.Image == n).ToList();
                Assert.Equal(Enumerable.Range(0, expected[n].Count), mine.Select(p => p.Target));
                Assert.Equal(mine.Count, mine.Select(p => p.Centre).Distinct().Count());
                foreach (var pair in mine)
                {
                    var target = expected[n][pair.Target];
                    if (target.FixedCentre >= 0) Assert.Equal(target.FixedCentre, pair.Centre);
                    else Assert.InRange(pair.Centre, stuff, centres - 1);
                    pairs.Add(new ReferencePair(n, pair.Centre, target.Mask));
                    centreClasses[n * centres + pair.Centre] = target.ClassId;
                }
                CheckOptimalMatching(details.Costs![l], classLogits, maskLogits, centres, width, stuff, n, expected[n],
                    mine.Where(p => expected[n][p.Target].FixedCentre < 0).Select(p => p.Centre).ToArray());
            }
            Assert.Equal(centreClasses, assignment.CentreClasses);

            double LayerLoss(double[] cls, double[] mask) =>
                2 * MaskLossReference.CrossEntropy(cls, batch.Count * centres, width, centreClasses, classWeights)
                + 5 * MaskLossReference.MaskBce(mask, centres, Pixels, pairs) + 5 * MaskLossReference.Dice(mask, centres, Pixels, pairs);
            ce += MaskLossReference.CrossEntropy(classLogits, batch.Count * centres, width, centreClasses, classWeights);
            bce += MaskLossReference.MaskBce(maskLogits, centres, Pixels, pairs);
            dice += MaskLossReference.Dice(maskLogits, centres, Pixels, pairs);

            if (l is 0 or 2)
            {
                var random = new Random(l);
                var classProbes = Enumerable.Range(0, 16).Select(_ => random.Next(classLogits.Length)).Concat(pairs.Select(p => (p.Image * centres + p.Centre) * width)).ToList();
                var maskProbes = pairs.SelectMany(p => new[] { 17, 100, 200 }.Select(o => (p.Image * centres + p.Centre) * Pixels + o))
                    .Concat(Enumerable.Range(0, 8).Select(_ => random.Next(maskLogits.Length))).ToList();
                var classGrad = Device.Read(details.ClassGradients[l]!);
                var maskGrad = Device.Read(details.MaskGradients[l]);
                Numerics.AssertClose(classProbes.Select(i => classGrad[i]).ToArray(), MaskStep.Differences(x => LayerLoss(x, maskLogits), classLogits, classProbes), 1e-4, $"layer {l} class logit gradient");
                Numerics.AssertClose(maskProbes.Select(i => maskGrad[i]).ToArray(), MaskStep.Differences(x => LayerLoss(classLogits, x), maskLogits, maskProbes), 1e-4, $"layer {l} mask logit gradient");
            }
        }
        Assert.Equal(ce, terms["class_ce"].Value, ce * 1e-5);
        Assert.Equal(bce, terms["mask_bce"].Value, bce * 1e-5);
        Assert.Equal(dice, terms["dice"].Value, dice * 1e-5);
        Assert.Equal((2f, 5f, 5f), (terms["class_ce"].Weight, terms["mask_bce"].Weight, terms["dice"].Weight));
        ModelRun.Release(Device, model);
    }

    /// <summary>Stuff regions in class order (tied to centre class - things), then the non-crowd things in file order.</summary>
    private static List<ExpectedTarget> ExpectedTargets(TrainingBatch batch, int n)
    {
        var instances = batch.Instances[n];
        var stuff = instances.Where(i => i.ClassId >= MaskBatches.Things).OrderBy(i => i.ClassId)
            .Select(i => new ExpectedTarget(i.ClassId, i.ClassId - MaskBatches.Things, Fractions(i.Mask)));
        var things = instances.Where(i => i.ClassId < MaskBatches.Things && !i.IsCrowd).Select(i => new ExpectedTarget(i.ClassId, -1, Fractions(i.Mask)));
        return stuff.Concat(things).ToList();
    }

    private static double[] Fractions(byte[] mask) => MaskBatches.CellFractions((y, x) => mask[y * MaskBatches.Size + x] != 0);

    /// <summary>The device cost agrees with the CPU cost, and the chosen thing centres reach the brute-force minimum.</summary>
    private static void CheckOptimalMatching(float[] cost, double[] classLogits, double[] maskLogits, int centres, int width, int stuff, int n,
        List<ExpectedTarget> targets, int[] chosen)
    {
        var things = targets.Where(t => t.FixedCentre < 0).ToList();
        var columns = cost.Length / (2 * centres);
        double At(int k, int t) => cost[(n * centres + k) * columns + t];
        var cpu = new List<double>();
        var device = new List<float>();
        for (var k = stuff; k < centres; k++)
        {
            for (var t = 0; t < things.Count; t++)
            {
                cpu.Add(MaskLossReference.Cost(classLogits, maskLogits, centres, width, Pixels, n, k, things[t].ClassId, things[t].Mask));
                device.Add((float)At(k, t));
            }
        }
        Numerics.AssertClose(device.ToArray(), cpu.ToArray(), 1e-5, $"image {n} matching cost");
        var used = new bool[centres];
        double Best(int t)
        {
            if (t == things.Count) return 0;
            var best = double.PositiveInfinity;
            for (var k = stuff; k < centres; k++)
            {
                if (used[k]) continue;
                used[k] = true;
                best = Math.Min(best, At(k, t) + Best(t + 1));
                used[k] = false;
            }
            return best;
        }
        Assert.Equal(things.Count, chosen.Length);
        var total = chosen.Select((k, t) => At(k, t)).Sum();
        Assert.Equal(Best(0), total, 1e-4);
    }
}
