using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Metrics;

namespace ClustSeg.Tests.Data;

public class CocoWritersTests
{
    private static readonly CocoCategory[] Categories = [new(1, "person", true), new(4, "dog", true), new(10, "sky", false)];

    private static Rle RandomMask(Random random, int h, int w)
    {
        var mask = new byte[h * w];
        int x0 = random.Next(w), y0 = random.Next(h), x1 = random.Next(x0, w), y1 = random.Next(y0, h);
        for (var y = y0; y <= y1; y++)
            for (var x = x0; x <= x1; x++) mask[y * w + x] = 1;
        return Rle.Encode(mask, h, w);
    }

    [Fact]
    public void InstanceGroundTruthAndResultsRoundTripAndScoreAsInMemory()
    {
        using var temp = new TempFolder();
        var random = new Random(4);
        CocoImageInfo[] images = [new(3, "a.jpg", 40, 30), new(8, "b.jpg", 25, 50)];
        var annotations = new List<(long, long, int, Rle, bool)>();
        var results = new List<CocoInstanceResult>();
        long id = 1;
        foreach (var image in images)
            for (var i = 0; i < 6; i++)
            {
                var mask = RandomMask(random, image.Height, image.Width);
                annotations.Add((id++, image.Id, i % 2 == 0 ? 1 : 4, mask, i == 5));
                var guess = random.Next(3) == 0 ? RandomMask(random, image.Height, image.Width) : mask;
                results.Add(new CocoInstanceResult(image.Id, i % 2 == 0 ? 1 : 4, Math.Round(random.NextDouble(), 3), guess, guess.Area));
            }
        var gtPath = temp.File("gt.json");
        CocoWriters.WriteInstances(gtPath, images, Categories, annotations);
        var resultsPath = temp.File("results.json");
        CocoWriters.WriteInstanceResults(resultsPath, results);

        var gt = CocoInstancesDataset.Load(gtPath);
        Assert.Equal(annotations.Select(a => a.Item4), gt.Annotations.Select(gt.GetMask));
        Assert.Equal(annotations.Select(a => (double)a.Item4.Area), gt.Annotations.Select(a => a.Area));
        Assert.IsType<CocoRle>(gt.Annotations[5].Segmentation);
        Assert.False(((CocoRle)gt.Annotations[5].Segmentation).Compressed); // crowd stored as uncompressed counts
        var loaded = CocoInstanceResults.Load(resultsPath, gt);
        Assert.Equal(results, loaded);
        Assert.Equal(CocoMaskEvaluator.Evaluate(gt, results).Stats, CocoMaskEvaluator.Evaluate(gt, loaded).Stats);
    }

    [Fact]
    public void PanopticSetRoundTripsAndScoresAsInMemory()
    {
        using var temp = new TempFolder();
        var gtMap = new PanopticSegmentMap(4, 3, [7, 7, 9, 9, 7, 7, 9, 9, 300, 300, 300, 0]);
        var predMap = new PanopticSegmentMap(4, 3, [5, 5, 5, 9, 5, 5, 9, 9, 300, 300, 0, 0]);
        var image = new CocoImageInfo(12, "x.jpg", 4, 3);
        (int, int, bool)[] gtSegments = [(7, 1, false), (9, 4, false), (300, 10, false)];
        (int, int, bool)[] predSegments = [(5, 1, false), (9, 4, false), (300, 10, false)];
        CocoWriters.WritePanoptic(temp.File("gt.json"), Path.Combine(temp.Path, "gt"), Categories, [(image, gtMap, gtSegments)]);
        CocoWriters.WritePanoptic(temp.File("pred.json"), Path.Combine(temp.Path, "pred"), Categories, [(image, predMap, predSegments)]);

        var gt = CocoPanopticDataset.Load(temp.File("gt.json"), Path.Combine(temp.Path, "gt"));
        gt.Validate();
        Assert.Equal(gtMap.Ids, gt.ReadSegmentMap(gt.Annotations[0]).Ids);
        Assert.Equal([4L, 4, 3], gt.Annotations[0].Segments.Select(s => s.Area));
        Assert.Equal([0.0, 2, 3, 1], gt.Annotations[0].Segments[2].Bbox!);
        Assert.Equal(Categories.Select(c => (c.Id, c.IsThing)), gt.Categories.Select(c => (c.Id, c.IsThing)));

        var fromFiles = PanopticEvaluator.EvaluateFiles(temp.File("gt.json"), Path.Combine(temp.Path, "gt"), temp.File("pred.json"), Path.Combine(temp.Path, "pred"));
        var accumulator = new PanopticQualityAccumulator(Categories);
        accumulator.AddImage(gtMap, gt.Annotations[0].Segments, predMap, predSegments.Select(s => new PanopticSegmentInfo(s.Item1, s.Item2, s.Item3, 0)).ToList(), "memory");
        Assert.Equal(accumulator.Compute().All, fromFiles.All);
        // person: 4 px vs 5 px prediction: IoU 4/5; dog: 4 vs 3: 3/4; sky: 3 vs 2: 2/3.
        Assert.Equal((4.0 / 5 + 3.0 / 4 + 2.0 / 3) / 3, fromFiles.All.Pq, 15);
    }

    [Fact]
    public void PanopticWriterRejectsInconsistentSegments()
    {
        using var temp = new TempFolder();
        var map = new PanopticSegmentMap(2, 1, [7, 8]);
        var image = new CocoImageInfo(1, "x.jpg", 2, 1);
        Assert.Throws<ArgumentException>(() => CocoWriters.WritePanoptic(temp.File("a.json"), temp.Path, Categories, [(image, map, [(7, 1, false)])]));
        Assert.Throws<ArgumentException>(() => CocoWriters.WritePanoptic(temp.File("a.json"), temp.Path, Categories, [(image, map, [(7, 1, false), (8, 1, false), (9, 1, false)])]));
    }

    [Theory]
    [InlineData(SemanticLabelEncoding.Identity)]
    [InlineData(SemanticLabelEncoding.ReduceZero)]
    public void SemanticLabelsRoundTrip(SemanticLabelEncoding encoding)
    {
        using var temp = new TempFolder();
        var labels = new SemanticLabelMap(3, 2, [0, 149, 255, 7, 255, 1]);
        var path = temp.File("l.png");
        SemanticLabelFolder.WriteLabels(path, labels, encoding);
        Assert.Equal(labels.Labels, SemanticLabelFolder.ReadLabels(path, 150, encoding).Labels);
    }
}
