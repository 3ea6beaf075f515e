using ClustSeg.Cli;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Runtime.Superpixels;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Superpixels;

/// <summary>`infer` and `eval` with a superpixel checkpoint, and the errors when a checkpoint holds the other kind of model.</summary>
[Collection(VulkanCollection.Name)]
public sealed class SuperpixelCheckpointCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-spckpt-").FullName;

    private string SuperpixelCheckpoint()
    {
        var path = Path.Combine(_dir, "sp.safetensors");
        new SuperpixelModel().SaveInitialCheckpoint(path, seed: 4);
        return path;
    }

    /// <summary>A file that says it holds a semantic model (its tensors do not matter: the metadata is refused first).</summary>
    private string SemanticCheckpoint()
    {
        var path = Path.Combine(_dir, "semantic.safetensors");
        SafetensorsFile.Write(path, [new SafetensorsTensor("w", [1], [0f])], Checkpoint.Metadata("clustseg-tiny", "semantic", ["a"], [], "00"));
        return path;
    }

    [Fact]
    public void InferWithASuperpixelCheckpointWritesConnectedLabels()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(["infer", "--checkpoint", SuperpixelCheckpoint(), "-k", "100", "-o", _dir], output, error);
        Assert.True(code == 0, error.ToString());
        var labels = PngDecoder.Decode(Path.Combine(_dir, "sample.png"));
        var distinct = labels.Samples.Distinct().Count();
        Assert.Equal(distinct - 1, labels.Samples.Max());
        Assert.InRange(distinct, 50, 150);
        Assert.True(File.Exists(Path.Combine(_dir, "sample_boundaries.png")));
    }

    [Fact]
    public void ASuperpixelCheckpointForAMaskTaskIsRefused()
    {
        var error = new StringWriter();
        Assert.Equal(2, CliApp.Run(["infer", "--checkpoint", SuperpixelCheckpoint(), "--task", "semantic", "-o", _dir], new StringWriter(), error));
        Assert.Contains("holds a superpixel model, not a semantic model", error.ToString());
    }

    [Fact]
    public void AMaskTaskCheckpointForSuperpixelsIsRefused()
    {
        var error = new StringWriter();
        Assert.Equal(2, CliApp.Run(["infer", "--checkpoint", SemanticCheckpoint(), "--task", "superpixel", "-o", _dir], new StringWriter(), error));
        Assert.Contains("holds a clustseg-tiny model for task semantic, not a superpixel model", error.ToString());

        error = new StringWriter();
        Assert.Equal(2, CliApp.Run(["eval", "--task", "superpixel", "--checkpoint", SemanticCheckpoint(), "--data", "bsds500:" + _dir], new StringWriter(), error));
        Assert.Contains("not a superpixel model", error.ToString());
    }

    [Fact]
    public void EvalScoresATrainedModelOnBsds()
    {
        var data = SharedData.Require("bsds500");
        if (data is null) return;
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(["eval", "--checkpoint", SuperpixelCheckpoint(), "--data", "bsds500:" + data, "--limit", "1", "-k", "200"], output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("trained model", output.ToString());
        var row = output.ToString().Split('\n').Single(l => l.TrimStart().StartsWith("200 "));
        var asa = double.Parse(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(asa, 0.5, 1.0);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
