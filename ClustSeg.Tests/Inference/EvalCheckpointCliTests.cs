using System.Text.Json;
using ClustSeg.Cli;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Inference;

/// <summary>`clustseg-cli eval --checkpoint FILE --data FORMAT:PATH`: inference, then the file-based evaluators.</summary>
[Collection(VulkanCollection.Name)]
public sealed class EvalCheckpointCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-eval-ckpt-").FullName;

    private static (int Code, string Output, string Error) Cli(params string[] args) => CliRunner.Capture(args);

    private string Synth()
    {
        var root = Path.Combine(_dir, "synth");
        Assert.Equal(0, Cli("synth", "--out", root, "--images", "6", "--size", "64", "--seed", "2").Code);
        return root;
    }

    private string Init(string task, int classes, int things)
    {
        var path = Path.Combine(_dir, task + ".safetensors");
        Assert.Equal(0, Cli("init", "--task", task, "--classes", $"{classes}", "--things", $"{things}", "--seed", "1", "-o", path).Code);
        return path;
    }

    // The metrics of eval --checkpoint equal those of the stand-alone evaluation of the predictions it kept.
    private static void AssertSameMetrics(string viaCheckpoint, string standAlone, params string[] keys)
    {
        using var a = JsonDocument.Parse(File.ReadAllText(viaCheckpoint));
        using var b = JsonDocument.Parse(File.ReadAllText(standAlone));
        foreach (var key in keys)
            Assert.Equal(b.RootElement.GetProperty(key).GetRawText(), a.RootElement.GetProperty(key).GetRawText());
    }

    [Fact]
    public void PanopticOnASynthSplitMatchesTheStandAloneEvaluation()
    {
        var root = Synth();
        var checkpoint = Init("panoptic", 7, 4);
        var pred = Path.Combine(_dir, "pred");
        var run = Cli("eval", "--checkpoint", checkpoint, "--data", $"synth:{root}", "--split", "val", "--pred-dir", pred, "--json", Path.Combine(_dir, "a.json"));
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("panoptic quality", run.Output);
        var gt = Path.Combine(root, "val", "panoptic.json");
        var alone = Cli("eval", "--task", "panoptic", "--gt-json", gt, "--pred-json", Path.Combine(pred, "panoptic.json"), "--json", Path.Combine(_dir, "b.json"));
        Assert.True(alone.Code == 0, alone.Error);
        AssertSameMetrics(Path.Combine(_dir, "a.json"), Path.Combine(_dir, "b.json"), "images", "all", "things", "stuff", "per_class");
    }

    [Fact]
    public void InstanceAndSemanticRunOnTheirFormats()
    {
        var root = Synth();
        var instance = Cli("eval", "--checkpoint", Init("instance", 4, 4), "--data", $"coco-instances:{Path.Combine(root, "val", "instances.json")}",
            "--pred-dir", Path.Combine(_dir, "inst"), "--json", Path.Combine(_dir, "i.json"));
        Assert.True(instance.Code == 0, instance.Error);
        var alone = Cli("eval", "--task", "instance", "--gt", Path.Combine(root, "val", "instances.json"),
            "--pred", Path.Combine(_dir, "inst", "instances_results.json"), "--json", Path.Combine(_dir, "i2.json"));
        Assert.True(alone.Code == 0, alone.Error);
        AssertSameMetrics(Path.Combine(_dir, "i.json"), Path.Combine(_dir, "i2.json"), "detections", "stats");

        var semantic = Cli("eval", "--checkpoint", Init("semantic", 7, 0), "--data", $"semantic:{root}", "--split", "val", "--json", Path.Combine(_dir, "s.json"));
        Assert.True(semantic.Code == 0, semantic.Error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "s.json")));
        Assert.Equal(7, json.RootElement.GetProperty("classes").GetInt32());
        Assert.Equal("disc", json.RootElement.GetProperty("class_names")[0].GetString());
    }

    [Fact]
    public void AnInstanceModelTrainedOnSynthIsScoredAgainstItsInstancesFileOnThingsOnly()
    {
        // `train --task instance --data synth:ROOT` reads the panoptic files: 7 classes, 4 of them things.
        var root = Synth();
        var pred = Path.Combine(_dir, "inst7");
        var run = Cli("eval", "--checkpoint", Init("instance", 7, 4), "--data", $"synth:{root}", "--split", "val", "--pred-dir", pred,
            "--json", Path.Combine(_dir, "i7.json"));
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains(Path.Combine(root, "val", "instances.json"), run.Output);
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(pred, "instances_results.json")));
        Assert.NotEmpty(results.RootElement.EnumerateArray());
        Assert.All(results.RootElement.EnumerateArray(), d => Assert.InRange(d.GetProperty("category_id").GetInt32(), 1, 4));
    }

    [Fact]
    public void ADatasetWithOtherClassesIsAClearError()
    {
        var root = Synth();
        var run = Cli("eval", "--checkpoint", Init("panoptic", 5, 2), "--data", $"synth:{root}", "--split", "val");
        Assert.Equal(2, run.Code);
        Assert.Contains("5 classes", run.Error);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
