using ClustSeg.Cli;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Runtime.Inference;
using ClustSeg.Runtime.Models;
using ClustSeg.Tests.Models;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Inference;

/// <summary>Multi-scale and flip testing of semantic models (`--input-scale 1,1.5 --flip-test`, <see cref="MaskPredictor.AveragedScales"/>).</summary>
public sealed class TestTimeAveragingTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Classes = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-tta-").FullName;

    private string Checkpoint(string task)
    {
        var path = Path.Combine(_dir, $"{task}.safetensors");
        string[] things = task == "semantic" ? [] : ["--things", "2"];
        Assert.Equal(0, CliRunner.Run(["init", "--task", task, "--classes", $"{Classes}", .. things, "--seed", "3", "-o", path], new StringWriter(), new StringWriter()));
        return path;
    }

    // Left and right halves differ, so a mirrored pass sees another picture.
    private static RgbImage Picture(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < rgb.Length; i++) rgb[i] = (byte)((i / 3 % width < width / 3 ? 30 : 190) + i * 13 % 29);
        return new RgbImage(width, height, rgb);
    }

    private static float[] MirroredBack(MaskPrediction prediction)
    {
        var logits = (float[])prediction.MaskLogits.Clone();
        for (var row = 0; row < logits.Length; row += prediction.Width) logits.AsSpan(row, prediction.Width).Reverse();
        return logits;
    }

    [Fact]
    public void TheAverageIsTheMeanOfEverySingleScaleAndMirroredPass()
    {
        var model = ClustSegModel.Load(Device, Checkpoint("semantic"));
        var image = Picture(50, 40);
        var averaging = new MaskPredictor(Device, model) { InputScale = 1, AveragedScales = [1.5], AverageMirrored = true };
        Assert.Equal(4, averaging.PassesPerBatch);
        var averaged = averaging.Predict(image);

        var plain = new MaskPredictor(Device, model);
        var larger = new MaskPredictor(Device, model) { InputScale = 1.5 };
        var passes = new[]
        {
            plain.Predict(image).MaskLogits, MirroredBack(plain.Predict(image.MirrorLeftRight())),
            larger.Predict(image).MaskLogits, MirroredBack(larger.Predict(image.MirrorLeftRight())),
        };
        Assert.Equal(passes[0].Length, averaged.MaskLogits.Length);
        var largest = 0.0;
        for (var i = 0; i < passes[0].Length; i++)
            largest = Math.Max(largest, Math.Abs(averaged.MaskLogits[i] - passes.Average(p => p[i])));
        Assert.True(largest < 1e-4, $"the average differs from the mean of the passes by {largest}");
        // The mirrored pass really is another picture: averaging changed the masks.
        Assert.True(passes[0].Zip(passes[1]).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        Assert.Equal(plain.Predict(image).ClassLogits, averaged.ClassLogits);
        ModelRun.Release(Device, model);
    }

    [Fact]
    public void OnlySemanticModelsAverageAndTheCliSaysWhy()
    {
        var panoptic = Checkpoint("panoptic");
        var model = ClustSegModel.Load(Device, panoptic);
        Assert.Throws<InvalidOperationException>(() => new MaskPredictor(Device, model) { AveragedScales = [1.5] });
        Assert.Throws<InvalidOperationException>(() => new MaskPredictor(Device, model) { AverageMirrored = true });
        ModelRun.Release(Device, model);

        var picture = Path.Combine(_dir, "in", "p.png");
        Directory.CreateDirectory(Path.GetDirectoryName(picture)!);
        var image = Picture(40, 32);
        PngEncoder.Write(picture, PngImage.FromRgb8(image.Width, image.Height, image.Pixels));
        var refused = CliRunner.Capture("infer", "--checkpoint", panoptic, "--flip-test", picture, "-o", Path.Combine(_dir, "out"));
        Assert.Equal(2, refused.Code);
        Assert.Contains("only a semantic model allows", refused.Error);

        var semantic = Checkpoint("semantic");
        var run = CliRunner.Capture("infer", "--checkpoint", semantic, "--input-scale", "1,1.25", "--flip-test", picture, "-o", Path.Combine(_dir, "out"));
        Assert.True(run.Code == 0, run.Error);
        Assert.True(File.Exists(Path.Combine(_dir, "out", "p.png")));
        foreach (var (bad, message) in new[] { ("1,x", "'x' is not a factor"), ("1,1", "names a scale twice"), ("1,5", "'5' is not a factor") })
        {
            var badRun = CliRunner.Capture("infer", "--checkpoint", semantic, "--input-scale", bad, picture, "-o", Path.Combine(_dir, "out2"));
            Assert.Equal(2, badRun.Code);
            Assert.Contains(message, badRun.Error);
        }
    }

    public override void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        base.Dispose();
    }
}
