using System.Text.Json;
using System.Text.Json.Nodes;
using ClustSeg.Cli;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Runtime.Metrics;
using ClustSeg.Tests.Data;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Cli;

public sealed class EvalMaskTasksTests(SynthFixture synth) : IClassFixture<SynthFixture>, IDisposable
{
    private readonly TempFolder _work = new();

    private string Val => Path.Combine(synth.Root, "val");

    public void Dispose() => _work.Dispose();

    private JsonElement Eval(params string[] args)
    {
        var json = Path.Combine(_work.Path, $"result-{Guid.NewGuid():N}.json");
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["eval", .. args, "--json", json], output, error);
        Assert.True(code == 0, error.ToString());
        Assert.NotEmpty(output.ToString());
        return JsonDocument.Parse(File.ReadAllText(json)).RootElement;
    }

    [Fact]
    public void PanopticGroundTruthAgainstItselfScoresOne()
    {
        var gt = Path.Combine(Val, "panoptic.json");
        var result = Eval("--task", "panoptic", "--gt-json", gt, "--gt-dir", Path.Combine(Val, "panoptic"), "--pred-json", gt, "--pred-dir", Path.Combine(Val, "panoptic"));
        foreach (var group in new[] { "all", "things", "stuff" })
        {
            Assert.Equal(1.0, result.GetProperty(group).GetProperty("pq").GetDouble(), 12);
            Assert.Equal(1.0, result.GetProperty(group).GetProperty("rq").GetDouble(), 12);
        }
        Assert.Equal(7, result.GetProperty("all").GetProperty("n").GetInt32());
        Assert.Equal(4, result.GetProperty("things").GetProperty("n").GetInt32());
    }

    [Fact]
    public void TheRealCocoSampleScoresOneAgainstItselfDespiteCrowdAndVoid()
    {
        var root = SharedData.Require("samples/coco_panoptic");
        if (root is null) return;
        var json = Path.Combine(root, "panoptic_examples.json");
        var result = Eval("--task", "panoptic", "--gt-json", json, "--pred-json", json);
        Assert.Equal(1.0, result.GetProperty("all").GetProperty("pq").GetDouble(), 12);
        var perClass = result.GetProperty("per_class").EnumerateArray().ToList();
        var counted = perClass.Count(c => c.GetProperty("tp").GetInt32() > 0);
        Assert.Equal(counted, result.GetProperty("all").GetProperty("n").GetInt32());
        Assert.All(perClass, c => Assert.Equal(0, c.GetProperty("fp").GetInt32() + c.GetProperty("fn").GetInt32()));
    }

    [Fact]
    public void APanopticPredictionMissingOneThingLosesOneFalseNegative()
    {
        var gtJson = Path.Combine(Val, "panoptic.json");
        var groundTruth = CocoPanopticDataset.Load(gtJson);
        // Prediction = ground truth with the first thing of the first image erased (void) and dropped from the JSON.
        var predFolder = Directory.CreateDirectory(Path.Combine(_work.Path, "pred")).FullName;
        foreach (var a in groundTruth.Annotations) File.Copy(Path.Combine(Val, "panoptic", a.FileName), Path.Combine(predFolder, a.FileName));
        var first = groundTruth.Annotations[0];
        var removed = first.Segments.First(s => groundTruth.FindCategory(s.CategoryId)!.IsThing);
        var map = groundTruth.ReadSegmentMap(first);
        for (var i = 0; i < map.Ids.Length; i++) if (map.Ids[i] == removed.Id) map.Ids[i] = 0;
        PngEncoder.Write(Path.Combine(predFolder, first.FileName), map.ToPng());
        var json = JsonNode.Parse(File.ReadAllText(gtJson))!;
        var segments = json["annotations"]![0]!["segments_info"]!.AsArray();
        segments.Remove(segments.First(s => (int)s!["id"]! == removed.Id));
        var predJson = Path.Combine(_work.Path, "pred.json");
        File.WriteAllText(predJson, json.ToJsonString());

        var result = Eval("--task", "panoptic", "--gt-json", gtJson, "--pred-json", predJson, "--pred-dir", predFolder);
        // The class of the erased thing has n segments, n - 1 matched with IoU 1 and one false negative:
        // PQ = RQ = (n - 1) / (n - 1 + 1/2), SQ = 1. Every other class keeps PQ = 1.
        var n = groundTruth.Annotations.SelectMany(a => a.Segments).Count(s => s.CategoryId == removed.CategoryId);
        var expected = (n - 1) / (n - 0.5);
        var perClass = result.GetProperty("per_class").EnumerateArray().ToList();
        var hit = perClass.Single(c => c.GetProperty("id").GetInt32() == removed.CategoryId);
        Assert.Equal(expected, hit.GetProperty("pq").GetDouble(), 12);
        Assert.Equal(1.0, hit.GetProperty("sq").GetDouble(), 12);
        Assert.Equal(1, hit.GetProperty("fn").GetInt32());
        Assert.Equal((6 + expected) / 7, result.GetProperty("all").GetProperty("pq").GetDouble(), 12);
        Assert.Equal((3 + expected) / 4, result.GetProperty("things").GetProperty("pq").GetDouble(), 12);
        Assert.Equal(1.0, result.GetProperty("stuff").GetProperty("pq").GetDouble(), 12);
    }

    private string WriteResults(Func<CocoInstanceAnnotation, bool> keep)
    {
        var groundTruth = CocoInstancesDataset.Load(Path.Combine(Val, "instances.json"));
        var results = groundTruth.Annotations.Where(keep)
            .Select(a => new CocoInstanceResult(a.ImageId, a.CategoryId, 1.0, groundTruth.GetMask(a), a.Area)).ToList();
        var path = Path.Combine(_work.Path, $"results-{results.Count}.json");
        CocoWriters.WriteInstanceResults(path, results);
        return path;
    }

    [Fact]
    public void InstanceGroundTruthAgainstItselfScoresOne()
    {
        var result = Eval("--task", "instance", "--gt", Path.Combine(Val, "instances.json"), "--pred", WriteResults(_ => true));
        var stats = result.GetProperty("stats");
        Assert.Equal(12, stats.EnumerateObject().Count());
        foreach (var name in new[] { "AP", "AP50", "AP75", "AR100" })
            Assert.Equal(1.0, stats.GetProperty(name).GetDouble(), 12);
    }

    [Fact]
    public void AnInstancePredictionMissingOneMaskLosesTheTopRecallThresholds()
    {
        var gtPath = Path.Combine(Val, "instances.json");
        var groundTruth = CocoInstancesDataset.Load(gtPath);
        var dropped = groundTruth.Annotations[0];
        var result = Eval("--task", "instance", "--gt", gtPath, "--pred", WriteResults(a => a.Id != dropped.Id));
        // The class of the dropped mask reaches recall (n - 1) / n with precision 1, so its interpolated precision is 1
        // at recall thresholds up to there and 0 above; the same at every IoU threshold. Other classes keep AP = 1.
        var n = groundTruth.Annotations.Count(a => a.CategoryId == dropped.CategoryId);
        var reached = new CocoEvalParameters().RecallThresholds.Count(r => r <= (n - 1) / (double)n);
        var classAp = reached / 101.0;
        var classes = groundTruth.Categories.Count(c => groundTruth.Annotations.Any(a => a.CategoryId == c.Id));
        var stats = result.GetProperty("stats");
        Assert.Equal((classes - 1 + classAp) / classes, stats.GetProperty("AP").GetDouble(), 12);
        Assert.Equal((classes - 1 + classAp) / classes, stats.GetProperty("AP50").GetDouble(), 12);
        var perClass = result.GetProperty("per_class").EnumerateArray().Single(c => c.GetProperty("id").GetInt32() == dropped.CategoryId);
        Assert.Equal(classAp, perClass.GetProperty("ap").GetDouble(), 12);
    }

    [Fact]
    public void SemanticScoresOneAgainstItselfAndLosesExactlyTheRelabelledPixels()
    {
        var gtDir = Path.Combine(Val, "semantic");
        var self = Eval("--task", "semantic", "--gt-dir", gtDir, "--pred-dir", gtDir, "--classes", "7", "--class-names", Path.Combine(synth.Root, "classes.txt"));
        Assert.Equal(1.0, self.GetProperty("miou").GetDouble(), 12);
        Assert.Equal("water", self.GetProperty("class_names")[6].GetString());

        // Relabel every pixel of one class as another class in the first image only.
        var files = Directory.GetFiles(gtDir, "*.png").Order(StringComparer.Ordinal).ToList();
        var predDir = Directory.CreateDirectory(Path.Combine(_work.Path, "semantic")).FullName;
        foreach (var f in files) File.Copy(f, Path.Combine(predDir, Path.GetFileName(f)));
        var first = SemanticLabelFolder.ReadLabels(files[0], 7, SemanticLabelEncoding.Identity);
        var present = first.Labels.Distinct().Order().ToList();
        byte from = present[0], to = present[^1];
        var moved = first.Labels.Count(v => v == from);
        SemanticLabelFolder.WriteLabels(Path.Combine(predDir, Path.GetFileName(files[0])),
            first with { Labels = first.Labels.Select(v => v == from ? to : v).ToArray() });
        var totals = new long[7];
        foreach (var f in files)
            foreach (var v in SemanticLabelFolder.ReadLabels(f, 7, SemanticLabelEncoding.Identity).Labels) totals[v]++;

        var result = Eval("--task", "semantic", "--gt-dir", gtDir, "--pred-dir", predDir, "--classes", "7");
        var iou = result.GetProperty("class_iou").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var expectedFrom = (double)(totals[from] - moved) / totals[from];
        var expectedTo = (double)totals[to] / (totals[to] + moved);
        Assert.Equal(expectedFrom, iou[from], 12);
        Assert.Equal(expectedTo, iou[to], 12);
        Assert.Equal((5 + expectedFrom + expectedTo) / 7, result.GetProperty("miou").GetDouble(), 12);
    }

    [Fact]
    public void Ade20kStyleGroundTruthIsShiftedWithReduceZero()
    {
        // Ground truth stores 0 (ignore), 1, 2, 2 -> 255, 0, 1, 1; prediction 1, 0, 1, 0.
        // Class 0: one hit, one false positive -> IoU 1/2. Class 1: one hit, one miss -> IoU 1/2 (the 255 pixel is not scored).
        var gtDir = Directory.CreateDirectory(Path.Combine(_work.Path, "ade-gt")).FullName;
        var predDir = Directory.CreateDirectory(Path.Combine(_work.Path, "ade-pred")).FullName;
        PngEncoder.Write(Path.Combine(gtDir, "a.png"), PngImage.FromGray8(2, 2, [0, 1, 2, 2]));
        PngEncoder.Write(Path.Combine(predDir, "a.png"), PngImage.FromGray8(2, 2, [1, 0, 1, 0]));
        var result = Eval("--task", "semantic", "--gt-dir", gtDir, "--pred-dir", predDir, "--classes", "2", "--gt-reduce-zero");
        Assert.Equal([0.5, 0.5], result.GetProperty("class_iou").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(0.5, result.GetProperty("miou").GetDouble(), 12);
        Assert.Equal(2.0 / 3, result.GetProperty("pixel_accuracy").GetDouble(), 12);
    }

    [Fact]
    public void MissingInputsAreNamed()
    {
        var error = new StringWriter();
        var emptyPred = Directory.CreateDirectory(Path.Combine(_work.Path, "empty")).FullName;
        Assert.Equal(2, CliRunner.Run(["eval", "--task", "semantic", "--gt-dir", Path.Combine(Val, "semantic"), "--pred-dir", emptyPred, "--classes", "7"], new StringWriter(), error));
        Assert.Contains(Path.Combine(emptyPred, "000022.png"), error.ToString());

        error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["eval", "--task", "panoptic", "--gt-json", Path.Combine(Val, "panoptic.json")], new StringWriter(), error));
        Assert.Contains("needs --pred-json", error.ToString());

        error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["eval", "--task", "superpixel"], new StringWriter(), error));
        Assert.Contains("needs --data", error.ToString());
    }
}
