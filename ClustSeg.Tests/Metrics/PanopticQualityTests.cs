using System.Text.Json;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Runtime.Metrics;
using ClustSeg.Tests.Data;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Metrics;

/// <summary>Hand-computed panoptic quality cases and the real COCO sample.</summary>
public class PanopticQualityTests
{
    private static readonly CocoCategory[] Categories =
    [
        new(1, "person", true), new(2, "car", true), new(10, "sky", false), new(11, "road", false),
    ];

    private static readonly Dictionary<char, int> Ids = new() { ['A'] = 1, ['B'] = 2, ['C'] = 3, ['S'] = 4, ['R'] = 5, ['P'] = 6, ['Q'] = 7 };

    private static PanopticQualityResult Score(string[] gtRows, PanopticSegmentInfo[] gt, string[] predRows, PanopticSegmentInfo[] pred)
    {
        var accumulator = new PanopticQualityAccumulator(Categories);
        accumulator.AddImage(PanopticTestSet.Map(gtRows, Ids), gt, PanopticTestSet.Map(predRows, Ids), pred, "test");
        return accumulator.Compute();
    }

    private static PanopticSegmentInfo Seg(char id, int category, bool crowd = false) => new(Ids[id], category, crowd, 0);

    [Fact]
    public void PerfectPredictionScoresOne()
    {
        string[] rows = ["SSSS", "SAAS", "RRBB"];
        PanopticSegmentInfo[] segments = [Seg('S', 10), Seg('A', 1), Seg('R', 11), Seg('B', 2)];
        var r = Score(rows, segments, rows, segments);
        Assert.Equal(new PanopticQualityScore(1, 1, 1, 4), r.All);
        Assert.Equal(new PanopticQualityScore(1, 1, 1, 2), r.Things);
        Assert.Equal(new PanopticQualityScore(1, 1, 1, 2), r.Stuff);
        Assert.Equal(0, r.PerClass.Sum(c => c.FalsePositives + c.FalseNegatives));
    }

    [Fact]
    public void VoidPixelsLeaveTheUnion()
    {
        // Ground truth A has 6 pixels; prediction P covers them, 2 void pixels and 1 road pixel.
        // IoU = 6 / (9 + 6 - 6 - 2) = 6/7. Road: gt 3 px, pred R 2 px inside it: IoU 2/3 > 0.5.
        string[] gt = ["AAA..", "AAARR", "....R"];
        string[] pred = ["PPPP.", "PPPPR", "....R"];
        var r = Score(gt, [Seg('A', 1), Seg('R', 11)], pred, [Seg('P', 1), Seg('R', 11)]);
        var person = r.PerClass.Single(c => c.CategoryId == 1);
        Assert.Equal((1, 0, 0), (person.TruePositives, person.FalsePositives, person.FalseNegatives));
        Assert.Equal(6.0 / 7.0, person.Pq);
        Assert.Equal(2.0 / 3.0, r.PerClass.Single(c => c.CategoryId == 11).Sq);
        Assert.Equal((6.0 / 7.0 + 2.0 / 3.0) / 2, r.All.Pq);
        Assert.Equal(2, r.All.N); // car and sky never occur
        Assert.True(double.IsNaN(new PanopticQualityAccumulator(Categories).Compute().All.Pq));
    }

    [Fact]
    public void PredictionsMostlyOnVoidOrSameCategoryCrowdAreNotFalsePositives()
    {
        // C is a person crowd region. P (person, 4 px) lies on it: ignored. Q (car, 4 px) on the same crowd: a car
        // false positive, since only a crowd of its own category absorbs it. B (car, 3 px) is 2/3 void: ignored.
        string[] gt = ["CCCC..", "CCCC.S"];
        string[] pred = ["PPQQBB", "PPQQ.B"];
        var r = Score(gt, [Seg('C', 1, crowd: true), Seg('S', 10)], pred, [Seg('P', 1), Seg('Q', 2), Seg('B', 2)]);
        var person = r.PerClass.Single(c => c.CategoryId == 1);
        var car = r.PerClass.Single(c => c.CategoryId == 2);
        var sky = r.PerClass.Single(c => c.CategoryId == 10);
        Assert.Equal((0, 0, 0), (person.TruePositives, person.FalsePositives, person.FalseNegatives)); // crowd is never a FN
        Assert.Equal((0, 1, 0), (car.TruePositives, car.FalsePositives, car.FalseNegatives));
        Assert.Equal((0, 0, 1), (sky.TruePositives, sky.FalsePositives, sky.FalseNegatives));
        Assert.Equal(0.0, r.All.Pq);
        Assert.Equal(2, r.All.N);
    }

    [Fact]
    public void EmptyPredictionMakesEveryGroundTruthAFalseNegative()
    {
        var r = Score(["AASS"], [Seg('A', 1), Seg('S', 10)], ["...."], []);
        Assert.Equal(new PanopticQualityScore(0, 0, 0, 2), r.All);
        Assert.All(r.PerClass.Where(c => c.CategoryId is 1 or 10), c => Assert.Equal(1, c.FalseNegatives));
    }

    [Fact]
    public void MatchNeedsIouAboveOneHalf()
    {
        // IoU exactly 0.5 (2 of 4 pixels; the other 2 are sky, not void) does not match: one FN and one FP.
        var r = Score(["AASS"], [Seg('A', 1), Seg('S', 10)], ["PPPP"], [Seg('P', 1)]);
        var person = r.PerClass.Single(c => c.CategoryId == 1);
        Assert.Equal((0, 1, 1), (person.TruePositives, person.FalsePositives, person.FalseNegatives));
    }

    [Fact]
    public void PredictionInconsistentWithItsPngIsAnError()
    {
        var accumulator = new PanopticQualityAccumulator(Categories);
        var map = PanopticTestSet.Map(["AA"], Ids);
        var e = Assert.Throws<ClustSeg.Runtime.Data.DataFileException>(() => accumulator.AddImage(map, [Seg('A', 1)], map, [], "pred/1.png"));
        Assert.Contains("pred/1.png", e.Message);
        Assert.Contains("in the PNG but not in the JSON", e.Message);
        Assert.Throws<ClustSeg.Runtime.Data.DataFileException>(() => accumulator.AddImage(map, [Seg('A', 1)], map, [Seg('A', 5)], "pred/1.png"));
    }

    [Fact]
    public void RealSampleAgainstItselfAndAShiftedCopy()
    {
        var dir = SharedData.Require("samples/coco_panoptic");
        if (dir is null) return;
        var gtJson = Path.Combine(dir, "panoptic_examples.json");
        var gtFolder = Path.Combine(dir, "panoptic_examples");
        var self = PanopticEvaluator.EvaluateFiles(gtJson, gtFolder, gtJson, gtFolder);
        Assert.Equal(new PanopticQualityScore(1, 1, 1, 8), self.All);

        // Prediction: every PNG rolled by 3 rows and 5 columns (wrapping), same segments without crowd flags.
        using var temp = new TempFolder();
        var gt = CocoPanopticDataset.Load(gtJson, gtFolder);
        var annotations = new List<object>();
        foreach (var annotation in gt.Annotations)
        {
            var map = gt.ReadSegmentMap(annotation);
            var rolled = new int[map.Ids.Length];
            for (var y = 0; y < map.Height; y++)
                for (var x = 0; x < map.Width; x++)
                    rolled[(y + 3) % map.Height * map.Width + (x + 5) % map.Width] = map.Ids[y * map.Width + x];
            PngEncoder.Write(temp.File("pred/" + annotation.FileName), new PanopticSegmentMap(map.Width, map.Height, rolled).ToPng());
            annotations.Add(new { image_id = annotation.ImageId, file_name = annotation.FileName, segments_info = annotation.Segments.Select(s => new { id = s.Id, category_id = s.CategoryId }) });
        }
        var predJson = temp.File("pred.json", JsonSerializer.Serialize(new { annotations }));
        var shifted = PanopticEvaluator.EvaluateFiles(gtJson, gtFolder, predJson, Path.Combine(temp.Path, "pred"));
        // Values from panopticapi's pq_compute on the same prediction.
        Assert.Equal(new PanopticQualityScore(0.5774278478653184, 0.6420026998049267, 0.7766608391608392, 8), shifted.All);
        Assert.Equal(new PanopticQualityScore(0.37129878575189995, 0.5004484896311167, 0.5533216783216783, 4), shifted.Things);
        Assert.Equal(new PanopticQualityScore(0.783556909978737, 0.783556909978737, 1.0, 4), shifted.Stuff);
    }
}
