using ClustSeg.Cli;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Cli;

[Collection(VulkanCollection.Name)]
public sealed class InferCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-infer-").FullName;

    [Fact]
    public void WithoutInputSegmentsTheBundledSample()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["infer", "-k", "150", "-o", _dir, "--csv"], output, error);
        Assert.True(code == 0, error.ToString());
        var labels = PngDecoder.Decode(Path.Combine(_dir, "sample.png"));
        Assert.Equal((320, 240, 16), (labels.Width, labels.Height, labels.BitDepth));
        var distinct = labels.Samples.Distinct().Count();
        Assert.InRange(distinct, 127, 173);
        Assert.Equal(distinct - 1, labels.Samples.Max());
        Assert.True(File.Exists(Path.Combine(_dir, "sample_boundaries.png")));
        var csv = File.ReadAllLines(Path.Combine(_dir, "sample.csv"));
        Assert.Equal(240, csv.Length);
        Assert.Equal(labels.Samples.Take(320).Select(v => (int)v), csv[0].Split(',').Select(int.Parse));
        // The default is the trained model that ships next to the CLI, at the compactness its checkpoint records.
        Assert.Contains("superpixel model: bundled, trained on BSDS500, compactness ", output.ToString());
        Assert.DoesNotContain("note:", error.ToString());
    }

    [Fact]
    public void UntrainedRunsSoftSlicAndAnExplicitCompactnessWins()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["infer", "-k", "100", "-o", _dir, "--untrained", "--compactness", "20"], output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("superpixel model: untrained (Lab + xy, soft SLIC), compactness 20", output.ToString());
        Assert.True(File.Exists(Path.Combine(_dir, "sample.png")));
    }

    [Fact]
    public void UntrainedWithACheckpointIsAClearError()
    {
        var error = new StringWriter();
        var bundled = Path.Combine(AppContext.BaseDirectory, "models", "superpixel-bsds500.safetensors");
        Assert.Equal(2, CliRunner.Run(["infer", "--untrained", "--checkpoint", bundled, "-o", _dir], new StringWriter(), error));
        Assert.Contains("Pass one of --untrained and --checkpoint", error.ToString());
    }

    [Fact]
    public void AMissingInputIsAClearError()
    {
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["infer", Path.Combine(_dir, "nope.jpg"), "-o", _dir], new StringWriter(), error));
        Assert.Contains("does not exist", error.ToString());
    }

    [Fact]
    public void ABrokenImageInAFolderDoesNotStopTheOthers()
    {
        var input = Directory.CreateDirectory(Path.Combine(_dir, "in")).FullName;
        File.WriteAllText(Path.Combine(input, "broken.png"), "not a png");
        using (var stream = typeof(CliApp).Assembly.GetManifestResourceStream("ClustSeg.Cli.sample.png")!)
        using (var file = File.Create(Path.Combine(input, "good.png"))) stream.CopyTo(file);
        var error = new StringWriter();
        var code = CliRunner.Run(["infer", input, "-k", "50", "-o", Path.Combine(_dir, "out")], new StringWriter(), error);
        Assert.Equal(1, code);
        Assert.Contains("broken.png", error.ToString());
        Assert.True(File.Exists(Path.Combine(_dir, "out", "good.png")));
    }

    [Fact]
    public void OutputsThatWouldOverwriteInputsAreRefused()
    {
        var input = Directory.CreateDirectory(Path.Combine(_dir, "pictures")).FullName;
        using (var stream = typeof(CliApp).Assembly.GetManifestResourceStream("ClustSeg.Cli.sample.png")!)
        using (var file = File.Create(Path.Combine(input, "a.png"))) stream.CopyTo(file);
        var before = File.ReadAllBytes(Path.Combine(input, "a.png"));
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["infer", input, "-o", input], new StringWriter(), error));
        Assert.Contains("would overwrite an input image", error.ToString());
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(input, "a.png")));

        File.Copy(Path.Combine(input, "a.png"), Path.Combine(input, "a.bmp"));
        error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["infer", input, "-o", Path.Combine(_dir, "out")], new StringWriter(), error));
        Assert.Contains("same name 'a'", error.ToString());
    }

    [Fact]
    public void AMissingDatasetIsAnErrorLineNotACrash()
    {
        var error = new StringWriter();
        var code = CliRunner.Run(["eval", "--task", "superpixel", "--data", "bsds500:" + Path.Combine(_dir, "nope")], new StringWriter(), error);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error.ToString());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
