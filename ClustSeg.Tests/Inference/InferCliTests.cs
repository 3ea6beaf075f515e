using ClustSeg.Cli;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Runtime.Inference;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Inference;

/// <summary>`clustseg-cli infer --checkpoint` end to end with randomly initialised tiny checkpoints.</summary>
[Collection(VulkanCollection.Name)]
public sealed class InferCliTests : IDisposable
{
    private const int Classes = 4, Things = 2;
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-mask-infer-").FullName;

    private string Checkpoint(string task)
    {
        var path = Path.Combine(_dir, task + ".safetensors");
        var things = task == "semantic" ? 0 : task == "instance" ? Classes : Things;
        var code = CliRunner.Run(["init", "--task", task, "--classes", $"{Classes}", "--things", $"{things}", "--seed", "3", "-o", path], new StringWriter(), new StringWriter());
        Assert.Equal(0, code);
        return path;
    }

    private string Picture(string name, int width, int height, int seed)
    {
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < rgb.Length; i++) rgb[i] = (byte)((i / 3 % width < width / 2 ? 40 : 200) + (i * seed * 37 % 41));
        var path = Path.Combine(_dir, "in", name);
        PngEncoder.Write(path, PngImage.FromRgb8(width, height, rgb));
        return path;
    }

    private static (int Code, string Output, string Error) Cli(params string[] args) => CliRunner.Capture(args);

    [Fact]
    public void SemanticLabelsAreTheArgmaxOfTheUpsampledCroppedRawLogits()
    {
        var checkpoint = Checkpoint("semantic");
        var picture = Picture("picture.png", 50, 40, 1);
        var outDir = Path.Combine(_dir, "out");
        var run = Cli("infer", "--checkpoint", checkpoint, picture, "-o", outDir);
        Assert.True(run.Code == 0, run.Error);
        var labels = SemanticLabelFolder.ReadLabels(Path.Combine(outDir, "picture.png"), Classes, SemanticLabelEncoding.Identity);
        Assert.Equal((50, 40), (labels.Width, labels.Height));
        var overlay = PngDecoder.Decode(Path.Combine(outDir, "picture_overlay.png"));
        Assert.Equal((50, 40, PngColorType.Rgb), (overlay.Width, overlay.Height, overlay.ColorType));

        // Reference: the last layer's raw logits [K, 16, 16], upsampled on the host to 64x64 by PyTorch's
        // align_corners = false rule, cropped to 40x50, argmax over classes.
        var raw = Path.Combine(_dir, "raw.safetensors");
        Assert.Equal(0, Cli("infer", "--checkpoint", checkpoint, "--raw", raw, picture).Code);
        var logits = SafetensorsFile.Read(raw).Tensors.Single(t => t.Name == "mask_logits.2").Data;
        HostBilinear.AssertArgmaxLabels(labels.Labels, 50, 40, logits, Classes, 16, 16, 64, 64);

        // The semantic evaluator reads the prediction: scored against itself it is perfect.
        var gtDir = Directory.CreateDirectory(Path.Combine(_dir, "gt")).FullName;
        File.Copy(Path.Combine(outDir, "picture.png"), Path.Combine(gtDir, "picture.png"));
        var predDir = Directory.CreateDirectory(Path.Combine(_dir, "pred")).FullName;
        File.Copy(Path.Combine(outDir, "picture.png"), Path.Combine(predDir, "picture.png"));
        var eval = Cli("eval", "--task", "semantic", "--gt-dir", gtDir, "--pred-dir", predDir, "--classes", $"{Classes}");
        Assert.True(eval.Code == 0, eval.Error);
        Assert.Contains("mIoU 100.00", eval.Output);
    }

    [Fact]
    public void InstanceResultsOfAFolderAreReadByTheMaskApEvaluator()
    {
        var checkpoint = Checkpoint("instance");
        Picture("a.png", 64, 64, 1);
        Picture("b.png", 48, 64, 2);
        var outDir = Path.Combine(_dir, "out");
        var run = Cli("infer", "--checkpoint", checkpoint, Path.Combine(_dir, "in"), "-o", outDir);
        Assert.True(run.Code == 0, run.Error);
        Assert.True(File.Exists(Path.Combine(outDir, "a_overlay.png")) && File.Exists(Path.Combine(outDir, "b_overlay.png")));

        // Ground truth for the two images (ids 1 and 2 in sorted order), one box each.
        var gtPath = Path.Combine(_dir, "gt.json");
        var box = new byte[64 * 64];
        for (var y = 10; y < 30; y++)
            for (var x = 10; x < 30; x++) box[y * 64 + x] = 1;
        var boxB = new byte[64 * 48];
        for (var y = 10; y < 30; y++)
            for (var x = 5; x < 25; x++) boxB[y * 48 + x] = 1;
        CocoWriters.WriteInstances(gtPath, [new CocoImageInfo(1, "a.png", 64, 64), new CocoImageInfo(2, "b.png", 48, 64)],
            Enumerable.Range(0, Classes).Select(c => new CocoCategory(c, $"class_{c}", true)),
            [(1, 1, 0, Rle.Encode(box, 64, 64), false), (2, 2, 1, Rle.Encode(boxB, 64, 48), false)]);
        var resultsPath = Path.Combine(outDir, MaskInferenceWriter.InstanceResultsFile);
        var detections = CocoInstanceResults.Load(resultsPath, CocoInstancesDataset.Load(gtPath));
        // 50 centres x 4 classes = 200 pairs, capped at 100 per image.
        Assert.Equal(100, detections.Count(d => d.ImageId == 1));
        Assert.Equal(100, detections.Count(d => d.ImageId == 2));
        Assert.All(detections, d => Assert.InRange(d.Score, 0, 1));
        Assert.All(detections.Where(d => d.ImageId == 2), d => Assert.Equal((64, 48), (d.Mask.Height, d.Mask.Width)));

        var eval = Cli("eval", "--task", "instance", "--gt", gtPath, "--pred", resultsPath);
        Assert.True(eval.Code == 0, eval.Error);
        Assert.Contains("200 detections", eval.Output);
    }

    [Fact]
    public void PanopticFilesAreReadByThePanopticEvaluator()
    {
        var checkpoint = Checkpoint("panoptic");
        var picture = Picture("p.png", 64, 64, 3);
        var outDir = Path.Combine(_dir, "out");
        var run = Cli("infer", "--checkpoint", checkpoint, picture, "-o", outDir);
        Assert.True(run.Code == 0, run.Error);
        var json = Path.Combine(outDir, MaskInferenceWriter.PanopticJsonFile);
        var dataset = CocoPanopticDataset.Load(json);
        Assert.Equal(Classes, dataset.Categories.Count);
        Assert.Equal([true, true, false, false], dataset.Categories.Select(c => c.IsThing));
        var annotation = Assert.Single(dataset.Annotations);
        var map = dataset.ReadSegmentMap(annotation);
        Assert.Equal((64, 64), (map.Width, map.Height));
        Assert.Equal(annotation.Segments.Select(s => s.Id).Order(), map.Ids.Where(id => id != 0).Distinct().Order());
        Assert.True(File.Exists(Path.Combine(outDir, "p_overlay.png")));

        // Scored against itself (ground truth = prediction) the evaluator runs.
        var eval = Cli("eval", "--task", "panoptic", "--gt-json", json, "--pred-json", json);
        Assert.True(eval.Code == 0, eval.Error);
    }

    [Fact]
    public void BatchedInferenceGivesTheSameLabelsAsOneByOne()
    {
        var checkpoint = Checkpoint("semantic");
        // Three pictures padding to 64x64 (one of them 50x40), then one padding to 32x32: batches {a, b, c}, {d}.
        Picture("a.png", 64, 64, 1);
        Picture("b.png", 50, 40, 2);
        Picture("c.png", 64, 60, 3);
        Picture("d.png", 30, 20, 4);
        var one = Cli("infer", "--checkpoint", checkpoint, Path.Combine(_dir, "in"), "-o", Path.Combine(_dir, "one"), "--batch", "1");
        Assert.True(one.Code == 0, one.Error);
        var batched = Cli("infer", "--checkpoint", checkpoint, Path.Combine(_dir, "in"), "-o", Path.Combine(_dir, "batched"), "--batch", "8");
        Assert.True(batched.Code == 0, batched.Error);
        foreach (var name in new[] { "a.png", "b.png", "c.png", "d.png" })
        {
            var expected = SemanticLabelFolder.ReadLabels(Path.Combine(_dir, "one", name), Classes, SemanticLabelEncoding.Identity);
            var got = SemanticLabelFolder.ReadLabels(Path.Combine(_dir, "batched", name), Classes, SemanticLabelEncoding.Identity);
            Assert.Equal((expected.Width, expected.Height), (got.Width, got.Height));
            var differing = expected.Labels.Zip(got.Labels).Count(p => p.First != p.Second);
            Assert.True(differing <= expected.Labels.Length / 1000, $"{name}: {differing} labels differ");
        }
    }

    [Fact]
    public void ATaskTheCheckpointCannotDoIsAClearError()
    {
        var checkpoint = Checkpoint("semantic");
        var picture = Picture("s.png", 32, 32, 1);
        var run = Cli("infer", "--checkpoint", checkpoint, "--task", "panoptic", picture, "-o", Path.Combine(_dir, "out"));
        Assert.Equal(2, run.Code);
        Assert.Contains("cannot do panoptic", run.Error);
        var noCheckpoint = Cli("infer", "--task", "instance", picture, "-o", Path.Combine(_dir, "out"));
        Assert.Equal(2, noCheckpoint.Code);
        Assert.Contains("--checkpoint", noCheckpoint.Error);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
