using System.Text.Json;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Metrics;
using ClustSeg.Tests.Data;

namespace ClustSeg.Tests.Metrics;

/// <summary>Hand-computed mask AP cases.</summary>
public class CocoMaskEvaluatorTests
{
    private const int Size = 20;

    // A rectangle [x, y, w, h] as a compressed RLE on the 20x20 image.
    private static object Box(int x, int y, int w, int h)
    {
        var mask = new byte[Size * Size];
        for (var yy = y; yy < y + h; yy++)
            for (var xx = x; xx < x + w; xx++) mask[yy * Size + xx] = 1;
        return new { size = new[] { Size, Size }, counts = Rle.Encode(mask, Size, Size).ToCompressedString() };
    }

    private static CocoMaskEvaluation Run(TempFolder temp, object[] annotations, object[] results)
    {
        var gt = new
        {
            images = new[] { new { id = 1, width = Size, height = Size, file_name = "a.png" } },
            categories = new[] { new { id = 1, name = "thing" }, new { id = 2, name = "other" } },
            annotations,
        };
        var dataset = CocoInstancesDataset.Load(temp.File("gt.json", JsonSerializer.Serialize(gt)));
        return CocoMaskEvaluator.Evaluate(dataset, CocoInstanceResults.Load(temp.File("res.json", JsonSerializer.Serialize(results)), dataset));
    }

    private static object Gt(int id, object segmentation, double area, int crowd = 0, int category = 1) =>
        new { id, image_id = 1, category_id = category, segmentation, area, iscrowd = crowd };

    private static object Det(object segmentation, double score, int category = 1) =>
        new { image_id = 1, category_id = category, segmentation, score };

    [Fact]
    public void PerfectPredictionScoresOne()
    {
        using var temp = new TempFolder();
        var small = Box(0, 0, 10, 10);
        var medium = Box(0, 10, 20, 10); // 200 px: still "small" (<= 32^2)
        var s = Run(temp, [Gt(1, small, 100), Gt(2, medium, 1500)], [Det(small, 0.9), Det(medium, 0.8)]).Stats;
        // AP, AP50, AP75 = 1; small and medium ranges each hold one object (file areas 100 and 1500); no large.
        // AR@1 keeps only the top detection per image and category: 1 of 2 found. Precision is tp / (tp + fp + eps)
        // in cocoeval, so "1" can be 1 - 2^-52: compare to 12 digits.
        double[] expected = [1, 1, 1, 1, 1, -1, 0.5, 1, 1, 1, 1, -1];
        for (var i = 0; i < 12; i++) Assert.Equal(expected[i], s[i], 12);
    }

    [Fact]
    public void RankingAcrossThresholdsMatchesHandComputation()
    {
        using var temp = new TempFolder();
        var gt = Box(0, 0, 10, 10); // 100 px
        var a = Box(0, 0, 10, 6); // IoU 60/100 = 0.6, higher score
        var b = Box(0, 0, 10, 8); // IoU 0.8
        var s = Run(temp, [Gt(1, gt, 100)], [Det(a, 0.9), Det(b, 0.8)]).Stats;
        // t = .50, .55, .60: a matches first (TP), b is a FP after it: AP 1.
        // t = .65 .. .80: a is a FP ranked first, b the TP: precision 1/2 at every recall: AP 0.5.
        // t = .85 .. .95: nothing matches: 0. Mean over 10 thresholds: (3 + 4 * 0.5) / 10.
        Assert.Equal(0.5, s[0], 12);
        Assert.Equal(1.0, s[1], 12);
        Assert.Equal(0.5, s[2], 12);
        Assert.Equal(0.5, s[3], 12); // the object is small
        Assert.Equal(-1.0, s[4]);
        Assert.Equal(0.3, s[6], 12); // AR@1: only a, which reaches 0.6
        Assert.Equal(0.7, s[8], 12); // AR@100: found up to t = .80
    }

    [Fact]
    public void DetectionOnCrowdRegionIsIgnoredNotFalse()
    {
        using var temp = new TempFolder();
        var person = Box(0, 0, 6, 6);
        var crowd = Box(10, 0, 10, 20);
        var inCrowd = Box(12, 2, 4, 4);
        var withCrowd = Run(temp, [Gt(1, person, 36), Gt(2, crowd, 200, crowd: 1)], [Det(inCrowd, 0.9), Det(person, 0.5)]).Stats;
        Assert.Equal(1.0, withCrowd[0], 12);
        // Without the crowd region the higher-scored detection is a false positive: precision 1/2 at recall 1.
        var withoutCrowd = Run(temp, [Gt(1, person, 36)], [Det(inCrowd, 0.9), Det(person, 0.5)]).Stats;
        Assert.Equal(0.5, withoutCrowd[0], 12);
    }

    [Fact]
    public void EmptyPredictionsScoreZeroAndAbsentRangesMinusOne()
    {
        using var temp = new TempFolder();
        var gt = new CocoInstancesDatasetFixture(temp, [Gt(1, Box(0, 0, 10, 10), 100)]);
        var s = CocoMaskEvaluator.Evaluate(gt.Dataset, []).Stats;
        Assert.Equal(new[] { 0.0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1 }, s);
    }

    [Fact]
    public void WrongCategoryNeverMatches()
    {
        using var temp = new TempFolder();
        var box = Box(0, 0, 10, 10);
        var s = Run(temp, [Gt(1, box, 100)], [Det(box, 0.9, category: 2)]).Stats;
        Assert.Equal(0.0, s[0]); // category 1: found nothing; category 2: no ground truth, so left out
    }

    [Fact]
    public void OnlyTheTopHundredDetectionsPerImageCount()
    {
        using var temp = new TempFolder();
        var gt = Box(0, 0, 10, 10);
        var results = Enumerable.Range(0, 100).Select(i => Det(Box(12, 12, 3, 3), 0.9)).Append(Det(gt, 0.1)).ToArray();
        var s = Run(temp, [Gt(1, gt, 100)], results).Stats;
        Assert.Equal(0.0, s[0]); // the perfect mask is the 101st by score
        results = Enumerable.Range(0, 99).Select(i => Det(Box(12, 12, 3, 3), 0.9)).Append(Det(gt, 0.1)).ToArray();
        Assert.Equal(0.01, Run(temp, [Gt(1, gt, 100)], results).Stats[0], 12); // precision 1/100 at recall 1
    }

    private sealed class CocoInstancesDatasetFixture
    {
        public CocoInstancesDatasetFixture(TempFolder temp, object[] annotations)
        {
            var gt = new
            {
                images = new[] { new { id = 1, width = Size, height = Size, file_name = "a.png" } },
                categories = new[] { new { id = 1, name = "thing" } },
                annotations,
            };
            Dataset = CocoInstancesDataset.Load(temp.File("gt_only.json", JsonSerializer.Serialize(gt)));
        }

        public CocoInstancesDataset Dataset { get; }
    }
}
