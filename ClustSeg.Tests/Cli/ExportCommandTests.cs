using ClustSeg.Cli;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Superpixels;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Cli;

[Collection(VulkanCollection.Name)]
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-export-").FullName;

    private static (int Code, string Output, string Error) Cli(params string[] args) => CliRunner.Capture(args);

    [Fact]
    public void TheCopyRunsAtTheGivenCompactnessAndKeepsEverythingElse()
    {
        var source = Path.Combine(_dir, "trained.safetensors");
        new SuperpixelModel { Compactness = 10 }.SaveInitialCheckpoint(source, seed: 6);
        var exported = Path.Combine(_dir, "out", "exported.safetensors");

        var run = Cli("export", "--checkpoint", source, "--compactness", "12.25", "-o", exported);

        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("compactness 12.25", run.Output);
        var before = SafetensorsFile.Read(source);
        var after = SafetensorsFile.Read(exported);
        Assert.Equal("12.25", after.Metadata[SuperpixelModel.CompactnessKey]);
        Assert.Equal(before.Metadata.Where(m => m.Key != SuperpixelModel.CompactnessKey), after.Metadata.Where(m => m.Key != SuperpixelModel.CompactnessKey));
        Assert.Equal(before.Tensors.Select(t => (t.Name, string.Join(",", t.Shape))), after.Tensors.Select(t => (t.Name, string.Join(",", t.Shape))));
        Assert.All(before.Tensors.Zip(after.Tensors), p => Assert.Equal(p.First.Data, p.Second.Data));

        // infer then runs at it without --compactness.
        var infer = Cli("infer", "--checkpoint", exported, "-k", "40", "-o", Path.Combine(_dir, "infer"));
        Assert.True(infer.Code == 0, infer.Error);
        Assert.Contains("compactness 12.25", infer.Output);
    }

    [Fact]
    public void WhatIsNotATrainedSuperpixelModelIsAClearError()
    {
        var mask = Path.Combine(_dir, "semantic.safetensors");
        Assert.Equal(0, Cli("init", "--task", "semantic", "--classes", "3", "-o", mask).Code);
        var notSuperpixel = Cli("export", "--checkpoint", mask, "--compactness", "12", "-o", Path.Combine(_dir, "x.safetensors"));
        Assert.Equal(2, notSuperpixel.Code);
        Assert.Contains("not a superpixel model", notSuperpixel.Error);

        var missing = Cli("export", "--checkpoint", Path.Combine(_dir, "nope.safetensors"), "--compactness", "12", "-o", Path.Combine(_dir, "x.safetensors"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("does not exist", missing.Error);

        var source = Path.Combine(_dir, "trained.safetensors");
        new SuperpixelModel().SaveInitialCheckpoint(source, seed: 1);
        var negative = Cli("export", "--checkpoint", source, "--compactness", "-1", "-o", Path.Combine(_dir, "x.safetensors"));
        Assert.Equal(2, negative.Code);
        Assert.Contains("--compactness", negative.Error);
        Assert.False(File.Exists(Path.Combine(_dir, "x.safetensors")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
