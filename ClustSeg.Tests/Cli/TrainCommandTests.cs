using System.Text.Json;
using ClustSeg.Cli;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Training;
using ClustSeg.Tests.Data;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Cli;

public sealed class TrainCommandTests(SynthFixture synth) : IClassFixture<SynthFixture>, IDisposable
{
    private readonly TempFolder _work = new();

    private string Run => Path.Combine(_work.Path, "run");

    public void Dispose() => _work.Dispose();

    private (int Code, string Output, string Error) Train(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["train", "--task", "panoptic", "--data", "synth:" + synth.Root, "-o", Run, "--batch", "1", .. args, .. (args.Contains("--crop") ? Array.Empty<string>() : ["--crop", "64"])], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private int LoggedSteps() => File.ReadAllLines(Path.Combine(Run, "train.jsonl")).Length;

    [Fact]
    public void TrainsWritesEverythingAndResumesOnlyTheSameRecipe()
    {
        var first = Train("--steps", "2", "--checkpoint-every", "1");
        Assert.True(first.Code == 0, first.Error);
        Assert.Contains("trained 2 steps", first.Output);
        Assert.Equal(2, LoggedSteps());
        foreach (var file in new[] { "checkpoint.safetensors", "model.safetensors", "loss.png" }) Assert.True(File.Exists(Path.Combine(Run, file)), file);
        var model = ClustSegModel.Describe(Path.Combine(Run, "model.safetensors"));
        Assert.Equal(ClustSegTask.Panoptic, model.Task);
        Assert.Equal(4, model.Things);
        var step = JsonDocument.Parse(File.ReadAllLines(Path.Combine(Run, "train.jsonl"))[1]).RootElement;
        Assert.True(step.GetProperty("loss").GetDouble() > 0);
        Assert.True(step.GetProperty("losses").TryGetProperty("mask_bce", out _));

        var again = Train("--steps", "2");
        Assert.Equal(2, again.Code);
        Assert.Contains("already holds a training run", again.Error);
        Assert.Contains("--resume", again.Error);

        var otherInit = Train("--steps", "3", "--resume", "--init", Path.Combine(Run, "model.safetensors"));
        Assert.Equal(2, otherInit.Code);
        Assert.Contains("init: ", otherInit.Error);

        var pasting = Train("--steps", "3", "--resume", "--copy-paste", "0.5");
        Assert.Equal(2, pasting.Code);
        Assert.Contains("copy_paste: off -> 0.5", pasting.Error);

        var changed = Train("--steps", "3", "--resume", "--lr", "0.5");
        Assert.Equal(2, changed.Code);
        Assert.Contains("lr: ", changed.Error);

        var resumed = Train("--steps", "3", "--resume");
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Contains("resuming", resumed.Output);
        Assert.Equal(3, LoggedSteps());
        Assert.Equal(3, TrainingCheckpoint.ReadState(Path.Combine(Run, "checkpoint.safetensors")).Step);
    }

    [Fact]
    public void AnInstanceRunStartsFromAPanopticModelAndListsWhatItIgnored()
    {
        var panoptic = Train("--steps", "1");
        Assert.True(panoptic.Code == 0, panoptic.Error);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["train", "--task", "instance", "--data", "synth:" + synth.Root, "-o", Path.Combine(_work.Path, "instance"), "--batch", "1",
            "--crop", "64", "--steps", "1", "--init", Path.Combine(Run, "model.safetensors")], output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("starting from the weights of", output.ToString());
        Assert.Contains("are not in this model and were ignored", output.ToString());
        Assert.Contains("seeds.bank", output.ToString());
    }

    [Fact]
    public void ARunStartedWithInitResumesWithTheSameCommandOrWithoutInit()
    {
        var source = Train("--steps", "1");
        Assert.True(source.Code == 0, source.Error);
        var init = Path.Combine(_work.Path, "init.safetensors");
        File.Copy(Path.Combine(Run, "model.safetensors"), init);
        var run = Path.Combine(_work.Path, "fine-tune");
        (int Code, string Output, string Error) FineTune(params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = CliRunner.Run(["train", "--task", "panoptic", "--data", "synth:" + synth.Root, "-o", run, "--batch", "1", "--crop", "64", .. args], output, error);
            return (code, output.ToString(), error.ToString());
        }
        var first = FineTune("--steps", "1", "--init", init);
        Assert.True(first.Code == 0, first.Error);
        var same = FineTune("--steps", "2", "--init", init, "--resume");
        Assert.True(same.Code == 0, same.Error);
        Assert.Contains("resuming", same.Output);
        var without = FineTune("--steps", "3", "--resume");
        Assert.True(without.Code == 0, without.Error);
        Assert.Equal(3, TrainingCheckpoint.ReadState(Path.Combine(run, "checkpoint.safetensors")).Step);
    }

    [Fact]
    public void ResumeWithoutARunSaysWhereItLooked()
    {
        var result = Train("--steps", "2", "--resume");
        Assert.Equal(2, result.Code);
        Assert.Contains("no training checkpoint", result.Error);
    }

    [Fact]
    public void CopyPasteIsPartOfTheRecipeAndNeedsThingInstances()
    {
        var first = Train("--steps", "1", "--copy-paste", "1");
        Assert.True(first.Code == 0, first.Error);
        Assert.Contains("copy-paste 1,", first.Output);
        Assert.Equal("1", TrainingCheckpoint.ReadState(Path.Combine(Run, "checkpoint.safetensors")).Settings["copy_paste"]);
        var without = Train("--steps", "2", "--resume");
        Assert.Equal(2, without.Code);
        Assert.Contains("copy_paste: ", without.Error);
        var resumed = Train("--steps", "2", "--resume", "--copy-paste", "1");
        Assert.True(resumed.Code == 0, resumed.Error);

        foreach (var bad in new[] { "0", "1.5", "-1" })
        {
            var refused = Train("--steps", "1", "--copy-paste", bad);
            Assert.Equal(2, refused.Code);
            Assert.Contains("--copy-paste must be a chance above 0 and at most 1", refused.Error);
        }
        var semantic = CliRunner.Capture("train", "--task", "semantic", "--data", "synth:" + synth.Root, "-o", Path.Combine(_work.Path, "semantic"),
            "--batch", "1", "--crop", "64", "--steps", "1", "--copy-paste", "0.5");
        Assert.True(semantic.Code == 0, semantic.Error); // pasted things carry their labels
        var labelFolders = CliRunner.Capture("train", "--task", "semantic", "--data", "semantic:" + Path.Combine(synth.Root, "train"),
            "-o", Path.Combine(_work.Path, "folders"), "--copy-paste", "0.5");
        Assert.Equal(2, labelFolders.Code);
        Assert.Contains("has no thing classes", labelFolders.Error);
        var superpixel = CliRunner.Capture("train", "--task", "superpixel", "--data", "synth:" + synth.Root, "-o", Run, "--copy-paste", "0.5");
        Assert.Equal(2, superpixel.Code);
        Assert.Contains("does not train on", superpixel.Error);
    }

    [Fact]
    public void WeightAverageIsPartOfTheRecipeAndBecomesTheModel()
    {
        var first = Train("--steps", "3", "--ema", "0.9"); // the last step's learning rate is 0: two steps would average equal weights
        Assert.True(first.Code == 0, first.Error);
        Assert.Contains("averaging the weights (decay 0.9)", first.Output);
        var checkpointPath = Path.Combine(Run, "checkpoint.safetensors");
        Assert.Equal("0.9", TrainingCheckpoint.ReadState(checkpointPath).Settings["ema"]);
        var checkpoint = SafetensorsFile.Read(checkpointPath).Tensors.ToDictionary(t => t.Name, t => t.Data);
        var model = SafetensorsFile.Read(Path.Combine(Run, "model.safetensors")).Tensors.ToDictionary(t => t.Name, t => t.Data);
        const string weight = "heads.class_embed.weight";
        Assert.Equal(checkpoint[WeightAverage.CheckpointPrefix + weight], model[weight]);
        Assert.NotEqual(checkpoint[weight], model[weight]);
        Assert.Equal(checkpoint["seeds.bank"], model["seeds.bank"]); // buffers are saved as they are
        Assert.Equal("0.9", SafetensorsFile.Read(Path.Combine(Run, "model.safetensors")).Metadata[WeightAverage.MetadataKey]);

        var without = Train("--steps", "4", "--resume");
        Assert.Equal(2, without.Code);
        Assert.Contains("ema: 0.9 -> off", without.Error);
        var resumed = Train("--steps", "4", "--resume", "--ema", "0.9");
        Assert.True(resumed.Code == 0, resumed.Error);

        foreach (var bad in new[] { "0", "1", "-0.5" })
        {
            var refused = Train("--steps", "1", "--ema", bad);
            Assert.Equal(2, refused.Code);
            Assert.Contains("--ema must be a decay above 0 and below 1", refused.Error);
        }
    }

    [Fact]
    public void CropMustFitTheModelStride()
    {
        var result = Train("--steps", "1", "--crop", "100");
        Assert.Equal(2, result.Code);
        Assert.Contains("multiple of 32", result.Error);
    }

    [Fact]
    public void SuperpixelTrainingRefusesMaskDataAndBatches()
    {
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["train", "--task", "superpixel", "--data", "synth:" + synth.Root, "-o", Run], new StringWriter(), error));
        Assert.Contains("bsds500:PATH", error.ToString());
        error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["train", "--task", "superpixel", "--data", "bsds500:x", "--batch", "2", "-o", Run], new StringWriter(), error));
        Assert.Contains("one crop per step", error.ToString());
    }

    [Fact]
    public void SuperpixelTrainingRecordsItsCompactnessForInference()
    {
        var data = SharedData.Require("bsds500");
        if (data is null) return;
        var error = new StringWriter();
        var code = CliRunner.Run(["train", "--task", "superpixel", "--data", "bsds500:" + data, "-o", Run, "--steps", "2", "--crop", "40",
            "--compactness", "11.5", "--compactness-loss-weight", "0.001"], new StringWriter(), error);
        Assert.True(code == 0, error.ToString());
        var model = Path.Combine(Run, "model.safetensors");
        Assert.Equal("11.5", SafetensorsFile.Read(model).Metadata["compactness"]);
        // Leaving a training setting out on --resume is a different recipe, not "keep what the run had".
        var resumed = CliRunner.Capture("train", "--task", "superpixel", "--data", "bsds500:" + data, "-o", Run, "--steps", "3", "--crop", "40",
            "--compactness-loss-weight", "0.001", "--resume");
        Assert.Equal(2, resumed.Code);
        Assert.Contains("compactness: 11.5 -> default", resumed.Error);

        // infer and eval then run at that compactness unless told otherwise.
        var output = new StringWriter();
        Assert.Equal(0, CliRunner.Run(["infer", "--checkpoint", model, "-k", "50", "-o", Path.Combine(_work.Path, "out")], output, error));
        Assert.Contains("compactness 11.5", output.ToString());
        output = new StringWriter();
        Assert.Equal(0, CliRunner.Run(["infer", "--checkpoint", model, "-k", "50", "--compactness", "9", "-o", Path.Combine(_work.Path, "out2")], output, error));
        Assert.Contains("compactness 9", output.ToString());

        error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["train", "--task", "panoptic", "--data", "synth:" + synth.Root, "-o", Run, "--compactness", "11"], new StringWriter(), error));
        Assert.Contains("superpixel training setting", error.ToString());
    }
}
