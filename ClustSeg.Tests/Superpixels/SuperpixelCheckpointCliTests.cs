using ClustSeg.Cli;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Runtime.Superpixels;
using ClustSeg.Tests.Data;
using ClustSeg.Tests.Support;
using StbImageWriteSharp;

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
        var code = CliRunner.Run(["infer", "--checkpoint", SuperpixelCheckpoint(), "-k", "100", "-o", _dir], output, error);
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
        Assert.Equal(2, CliRunner.Run(["infer", "--checkpoint", SuperpixelCheckpoint(), "--task", "semantic", "-o", _dir], new StringWriter(), error));
        Assert.Contains("holds a superpixel model, not a semantic model", error.ToString());
    }

    [Fact]
    public void AMaskTaskCheckpointForSuperpixelsIsRefused()
    {
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["infer", "--checkpoint", SemanticCheckpoint(), "--task", "superpixel", "-o", _dir], new StringWriter(), error));
        Assert.Contains("holds a clustseg-tiny model for task semantic, not a superpixel model", error.ToString());

        error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["eval", "--task", "superpixel", "--checkpoint", SemanticCheckpoint(), "--data", "bsds500:" + _dir], new StringWriter(), error));
        Assert.Contains("not a superpixel model", error.ToString());
    }

    [Fact]
    public void EvalScoresATrainedModelOnATinyBsdsLayout()
    {
        // One 48x40 val image: a left and a right half of different colours, annotated as such.
        const int w = 48, h = 40;
        var rgb = new byte[3 * w * h];
        for (var i = 0; i < w * h; i++) (rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]) = i % w < 20 ? ((byte)200, (byte)60, (byte)40) : ((byte)40, (byte)90, (byte)200);
        var images = Directory.CreateDirectory(Path.Combine(_dir, "bsds", "images", "val")).FullName;
        using (var stream = File.Create(Path.Combine(images, "tiny.jpg"))) new ImageWriter().WriteJpg(rgb, w, h, ColorComponents.RedGreenBlue, stream, 95);
        var truth = Directory.CreateDirectory(Path.Combine(_dir, "bsds", "groundTruth", "val")).FullName;
        var labels = Enumerable.Range(0, w * h).Select(i => (double)(i % w < 20 ? 1 : 2)).ToArray(); // column-major or not, halves are halves
        var column = Enumerable.Range(0, w * h).Select(i => labels[i % h * w + i / h]).ToArray();
        var annotation = new TestMatStruct([1, 1], ["Segmentation", "Boundaries"],
        [
            new TestMatNumeric([h, w], TestMatWriter.ClassUInt16, TestMatWriter.MiUInt8, column),
            new TestMatNumeric([h, w], TestMatWriter.ClassUInt8, TestMatWriter.MiUInt8, new double[w * h], Logical: true),
        ]);
        File.WriteAllBytes(Path.Combine(truth, "tiny.mat"), TestMatWriter.Write([("groundTruth", new TestMatCell([1, 1], [annotation]))], compress: true));

        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["eval", "--checkpoint", SuperpixelCheckpoint(), "--data", "bsds500:" + Path.Combine(_dir, "bsds"), "-k", "12"], output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("trained model", output.ToString());
        var row = output.ToString().Split('\n').Single(l => l.TrimStart().StartsWith("12 "));
        var asa = double.Parse(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(asa, 0.9, 1.0); // superpixels follow the one strong edge
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
