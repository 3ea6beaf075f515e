using ClustSeg.Cli;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Runtime.Inference;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Tests.Models;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Inference;

/// <summary>Test-time scale (`--input-scale`, <see cref="MaskPredictor.InputScale"/>) with a randomly initialised tiny checkpoint.</summary>
public sealed class InputScaleTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Classes = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-input-scale-").FullName;

    private string SemanticCheckpoint()
    {
        var path = Path.Combine(_dir, "semantic.safetensors");
        Assert.Equal(0, CliRunner.Run(["init", "--task", "semantic", "--classes", $"{Classes}", "--seed", "5", "-o", path], new StringWriter(), new StringWriter()));
        return path;
    }

    private static RgbImage Picture(int width, int height, int seed)
    {
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < rgb.Length; i++) rgb[i] = (byte)((i / 3 % width < width / 2 ? 40 : 200) + (i * seed * 37 % 41));
        return new RgbImage(width, height, rgb);
    }

    private string Save(string folder, string name, RgbImage image)
    {
        var path = Path.Combine(_dir, folder, name);
        PngEncoder.Write(path, PngImage.FromRgb8(image.Width, image.Height, image.Pixels));
        return path;
    }

    private static (int Code, string Output, string Error) Cli(params string[] args) => CliRunner.Capture(args);

    [Fact]
    public void TwiceTheScaleRunsOnTheResizedPictureAndLaysItsMasksOntoThePicture()
    {
        var checkpoint = SemanticCheckpoint();
        var image = Picture(50, 40, 1);
        var picture = Save("in", "picture.png", image);
        var outDir = Path.Combine(_dir, "out");
        var run = Cli("infer", "--checkpoint", checkpoint, "--input-scale", "2", picture, "-o", outDir);
        Assert.True(run.Code == 0, run.Error);
        var labels = SemanticLabelFolder.ReadLabels(Path.Combine(outDir, "picture.png"), Classes, SemanticLabelEncoding.Identity);
        Assert.Equal((50, 40), (labels.Width, labels.Height));

        // Reference: the raw logits of the 100x80 picture (padded to 128x96, so [K, 24, 32]), resampled on the host to
        // 64x48 (the padded input at the picture's scale), cropped to 50x40, argmax over classes.
        var raw = Path.Combine(_dir, "raw.safetensors");
        Assert.Equal(0, Cli("infer", "--checkpoint", checkpoint, "--raw", raw, Save("scaled", "picture.png", image.Resize(100, 80))).Code);
        var tensor = SafetensorsFile.Read(raw).Tensors.Single(t => t.Name == "mask_logits.2");
        Assert.Equal([1, Classes, 24, 32], tensor.Shape);
        HostBilinear.AssertArgmaxLabels(labels.Labels, 50, 40, tensor.Data, Classes, 24, 32, 48, 64);
    }

    [Fact]
    public void ScaledPicturesShareABatchOnlyWithPicturesOfTheirOwnSize()
    {
        var checkpoint = SemanticCheckpoint();
        var model = ClustSegModel.Load(Device, checkpoint);
        var plain = new MaskPredictor(Device, model);
        var scaled = new MaskPredictor(Device, model) { InputScale = 1.5 };
        RgbImage a = Picture(50, 40, 1), b = Picture(60, 50, 2), c = Picture(50, 40, 3);
        Assert.True(plain.CanShareBatch(a, b));
        Assert.False(scaled.CanShareBatch(a, b));
        Assert.True(scaled.CanShareBatch(a, c));
        Assert.Throws<ArgumentException>(() => scaled.Predict([a, b]));

        var together = scaled.Predict([a, c]);
        var alone = scaled.Predict(c);
        Assert.Equal((40, 50), (together[1].Height, together[1].Width));
        var largest = together[1].MaskLogits.Zip(alone.MaskLogits).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(largest < 1e-3, $"batched and alone differ by {largest}");
        ModelRun.Release(Device, model);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(4.5)]
    public void AScaleOutOfRangeIsRefused(double scale)
    {
        var model = ClustSegModel.Load(Device, SemanticCheckpoint());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaskPredictor(Device, model) { InputScale = scale });
        ModelRun.Release(Device, model);
        var run = Cli("infer", "--checkpoint", Path.Combine(_dir, "semantic.safetensors"), "--input-scale", $"{scale}", Save("in", "p.png", Picture(32, 32, 1)), "-o", Path.Combine(_dir, "out"));
        Assert.Equal(2, run.Code);
        Assert.Contains("--input-scale", run.Error);
    }

    [Fact]
    public void AScaleWhereNoMaskModelRunsIsAClearError()
    {
        var picture = Save("in", "p.png", Picture(32, 32, 1));
        var superpixels = Cli("infer", "--input-scale", "1.5", picture, "-o", Path.Combine(_dir, "out"));
        Assert.Equal(2, superpixels.Code);
        Assert.Contains("--input-scale and --flip-test apply to semantic, instance and panoptic", superpixels.Error);
        var raw = Cli("infer", "--checkpoint", SemanticCheckpoint(), "--raw", Path.Combine(_dir, "raw.safetensors"), "--input-scale", "2", picture);
        Assert.Equal(2, raw.Code);
        Assert.Contains("--raw", raw.Error);
        var fileEval = Cli("eval", "--task", "semantic", "--gt-dir", _dir, "--pred-dir", _dir, "--classes", "4", "--input-scale", "2");
        Assert.Equal(2, fileEval.Code);
        Assert.Contains("--input-scale", fileEval.Error);
    }

    public override void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        base.Dispose();
    }
}
