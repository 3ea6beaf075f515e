using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Training.Losses;
using ClustSeg.Tests.Models;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Training;

/// <summary>
/// An instance step of the tiny model: only non-crowd thing instances are targets (stuff regions and the crowd are
/// skipped), every one of the K_th centres is a matching candidate, and the losses agree with the CPU reference.
/// </summary>
public sealed class MaskObjectiveInstanceTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Pixels = MaskBatches.Size / 4 * (MaskBatches.Size / 4);

    [Fact]
    public void OnlyNonCrowdThingsAreMatchedAndTheLossesAgreeWithTheCpuReference()
    {
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Instance, MaskBatches.ClassNames.Take(MaskBatches.Things).ToArray(), MaskBatches.Things);
        model.Initialize(Device, seed: 13);
        var objective = new MaskObjective(model);
        var batch = MaskBatches.Make(1);
        var terms = MaskStep.Run(Device, objective, batch);
        var details = objective.LastStep!;
        var things = batch.Instances[0].Where(i => i.ClassId < MaskBatches.Things && !i.IsCrowd).ToList();
        Assert.Equal(3, things.Count);
        Assert.True(objective.LastMatchingTime > TimeSpan.Zero);
        var (centres, width) = (model.Centres, model.Classes + 1);
        var classWeights = Enumerable.Range(0, width).Select(c => c == model.Classes ? 0.1 : 1.0).ToArray();
        double ce = 0, bce = 0, dice = 0;
        for (var l = 0; l < model.DecoderLayers; l++)
        {
            var assignment = details.Assignments[l];
            Assert.Equal([0, 1, 2], assignment.Pairs.Select(p => p.Target));
            var pairs = assignment.Pairs.Select(p => new ReferencePair(0, p.Centre,
                MaskBatches.CellFractions((y, x) => things[p.Target].Mask[y * MaskBatches.Size + x] != 0))).ToList();
            var centreClasses = Enumerable.Repeat(model.Classes, centres).ToArray();
            foreach (var p in assignment.Pairs) centreClasses[p.Centre] = things[p.Target].ClassId;
            Assert.Equal(centreClasses, assignment.CentreClasses);
            var classLogits = MaskStep.ReadDouble(Device, details.Outputs.ClassLogits[l]);
            var maskLogits = MaskStep.ReadDouble(Device, details.Outputs.MaskLogits[l]);
            ce += MaskLossReference.CrossEntropy(classLogits, centres, width, centreClasses, classWeights);
            bce += MaskLossReference.MaskBce(maskLogits, centres, Pixels, pairs);
            dice += MaskLossReference.Dice(maskLogits, centres, Pixels, pairs);
        }
        Assert.Equal(ce, terms["class_ce"].Value, ce * 1e-5);
        Assert.Equal(bce, terms["mask_bce"].Value, bce * 1e-5);
        Assert.Equal(dice, terms["dice"].Value, dice * 1e-5);
        ModelRun.Release(Device, model);
    }

    [Fact]
    public void AnImageWithoutThingsTrainsNoObjectOnlyAndNeedsNoMidStepSubmit()
    {
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Instance, MaskBatches.ClassNames.Take(MaskBatches.Things).ToArray(), MaskBatches.Things);
        model.Initialize(Device, seed: 17);
        var objective = new MaskObjective(model);
        var batch = MaskBatches.Make(1, first: 2);
        Device.Scratch.Reset();
        using var recorder = Device.BeginRecording();
        ModuleState.ZeroGradients(model.Module, recorder);
        var step = objective.RecordStep(Device, recorder, batch);
        Assert.Same(recorder, step.Recorder);
        recorder.Submit();
        var terms = step.Losses.ToDictionary(t => t.Name, t => (double)Device.Download<float>(t.Value)[0]);
        Assert.Equal(0, terms["mask_bce"]);
        Assert.Equal(0, terms["dice"]);
        var width = model.Classes + 1;
        var allNoObject = Enumerable.Repeat(model.Classes, model.Centres).ToArray();
        var expected = Enumerable.Range(0, model.DecoderLayers).Sum(l => MaskLossReference.CrossEntropy(
            MaskStep.ReadDouble(Device, objective.LastStep!.Outputs.ClassLogits[l]), model.Centres, width, allNoObject, null));
        Assert.Equal(expected, terms["class_ce"], expected * 1e-5);
        Assert.All(Device.Read(objective.LastStep!.MaskGradients[0]), g => Assert.Equal(0f, g));
        ModelRun.Release(Device, model);
    }
}
