using ClustSeg.Runtime.Inference;

namespace ClustSeg.Tests.Inference;

public sealed class PostProcessorTests
{
    // Class logits that give probability p to class c and split the rest evenly over the other columns
    // (classes + 1, no-object last): logit log(p) for c, log((1 - p) / classes) elsewhere.
    private static float[] ClassRow(int classes, int c, double p)
    {
        var row = new float[classes + 1];
        for (var j = 0; j <= classes; j++) row[j] = (float)Math.Log(j == c ? p : (1 - p) / classes);
        return row;
    }

    private static MaskPrediction Prediction(int classes, int height, int width, float[][] classRows, float[][] masks) =>
        new(classRows.Length, classes, height, width, classRows.SelectMany(r => r).ToArray(), masks.SelectMany(m => m).ToArray());

    [Fact]
    public void SemanticTakesTheLargestClassLogitPerPixel()
    {
        // 3 classes on a 1x4 picture; ties (pixel 3: 1, 1, 0) go to the lower class.
        var masks = new[]
        {
            new float[] { 5, -1, -4, 1 },
            new float[] { 1, 2, -3, 1 },
            new float[] { 0, 0, -2, 0 },
        };
        var prediction = Prediction(3, 1, 4, [ClassRow(3, 0, 0.5), ClassRow(3, 1, 0.5), ClassRow(3, 2, 0.5)], masks);
        Assert.Equal(new byte[] { 0, 1, 2, 0 }, SemanticPostProcessor.Labels(prediction));
    }

    [Fact]
    public void InstanceScoreIsClassProbabilityTimesMeanMaskProbabilityInsideTheMask()
    {
        // Centre 0: class 1 with p = 0.9; mask logits 2, 0, -1, ln 3 -> mask {0, 3} (logit > 0 only), mean sigmoid
        // = (sigmoid(2) + 0.75) / 2.
        var masks = new[] { new float[] { 2, 0, -1, (float)Math.Log(3) } };
        var prediction = Prediction(2, 2, 2, [ClassRow(2, 1, 0.9)], masks);
        var detections = InstancePostProcessor.Detect(prediction, thingClasses: 2);
        Assert.Equal(2, detections.Count); // one centre x two classes
        var best = detections[0];
        Assert.Equal((0, 1), (best.Centre, best.ClassId));
        Assert.Equal(new byte[] { 1, 0, 0, 1 }, best.Mask);
        var expected = 0.9 * ((1 / (1 + Math.Exp(-2))) + 0.75) / 2;
        Assert.Equal(expected, best.Score, 5);
        // The other class: p = 0.05, same mask.
        Assert.Equal(0.05 * ((1 / (1 + Math.Exp(-2))) + 0.75) / 2, detections[1].Score, 5);
    }

    [Fact]
    public void InstanceEmptyMaskScoresZeroAndNoObjectNeverCompetes()
    {
        // No-object has probability 0.9 but only the class column is a candidate.
        var row = new float[] { (float)Math.Log(0.1), (float)Math.Log(0.9) };
        var prediction = Prediction(1, 1, 3, [row], [[-1, -2, -3]]);
        var detection = Assert.Single(InstancePostProcessor.Detect(prediction, thingClasses: 1));
        Assert.Equal(0, detection.ClassId);
        Assert.Equal(0, detection.Score);
        Assert.All(detection.Mask, v => Assert.Equal(0, v));
    }

    [Fact]
    public void InstanceKeepsTheTop100PairsByClassProbability()
    {
        // 60 centres x 3 classes = 180 pairs; centre k gives class k % 3 probability 0.30 + k / 1000 and the
        // other classes (0.70 - k / 1000) / 3 each, so the 60 "own class" pairs rank first, then the rest by centre.
        const int centres = 60, classes = 3;
        var rows = Enumerable.Range(0, centres).Select(k => ClassRow(classes, k % classes, 0.30 + k / 1000.0)).ToArray();
        var masks = Enumerable.Range(0, centres).Select(_ => new float[] { 10, 10 }).ToArray();
        var detections = InstancePostProcessor.Detect(Prediction(classes, 1, 2, rows, masks), classes);
        Assert.Equal(InstancePostProcessor.MaxDetections, detections.Count);
        var expected = new List<(int, int)>();
        for (var k = 0; k < centres; k++)
            for (var c = 0; c < classes; c++)
                expected.Add((k, c));
        double Probability((int K, int C) pair) => pair.C == pair.K % classes ? 0.30 + pair.K / 1000.0 : (0.70 - pair.K / 1000.0) / 3;
        var top = expected.OrderByDescending(Probability).Take(100).ToHashSet();
        Assert.Equal(top, detections.Select(d => (d.Centre, d.ClassId)).ToHashSet());
        Assert.True(detections.Zip(detections.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public void InstanceOnlyThingClassesCompete()
    {
        // A panoptic model with 1 thing and 1 stuff class: the stuff class never becomes a detection.
        var prediction = Prediction(2, 1, 1, [ClassRow(2, 1, 0.95)], [[3]]);
        var detection = Assert.Single(InstancePostProcessor.Detect(prediction, thingClasses: 1));
        Assert.Equal(0, detection.ClassId);
    }

    [Fact]
    public void PanopticDropsCentresAtOrBelowTheScoreThreshold()
    {
        // Two thing centres covering the same 1x2 picture; centre 1 has probability 0.79, below 0.8.
        var prediction = Prediction(2, 1, 2, [ClassRow(2, 0, 0.9), ClassRow(2, 0, 0.79)], [[-5, 4], [6, 6]]);
        var result = PanopticPostProcessor.Segment(prediction, thingClasses: 2);
        var segment = Assert.Single(result.Segments);
        Assert.Equal((1, 0, true), (segment.Id, segment.ClassId, segment.IsThing));
        // Pixel 0 goes to centre 0 (the only one kept) but its sigmoid is below 0.5, so it stays void.
        Assert.Equal(new[] { 0, 1 }, result.SegmentIds);
    }

    [Fact]
    public void PanopticDropsASegmentWhenFewerThan80PercentOfItsPixelsSurvive()
    {
        // 1x10 picture, two thing centres with probability 0.9 and 0.95.
        // Centre 0 is confident (logit 1) on pixels 0..9; centre 1 (logit 3) on pixels 0..2 wins those
        // (0.95 sigmoid(3) > 0.9 sigmoid(1)), so centre 0 keeps 7 of 10 = 70% < 80%: dropped.
        // With centre 1 on pixels 0..1 only, centre 0 keeps 8 of 10 = 80%: kept.
        foreach (var (covered, keeps) in new[] { (3, false), (2, true) })
        {
            var mask0 = Enumerable.Repeat(1f, 10).ToArray();
            var mask1 = Enumerable.Range(0, 10).Select(i => i < covered ? 3f : -5f).ToArray();
            var prediction = Prediction(1, 1, 10, [ClassRow(1, 0, 0.9), ClassRow(1, 0, 0.95)], [mask0, mask1]);
            var result = PanopticPostProcessor.Segment(prediction, thingClasses: 1);
            var expected = new int[10];
            if (keeps)
            {
                Assert.Equal(2, result.Segments.Count);
                for (var i = 0; i < 10; i++) expected[i] = i < covered ? 2 : 1;
            }
            else
            {
                Assert.Single(result.Segments);
                for (var i = 0; i < covered; i++) expected[i] = 1;
            }
            Assert.Equal(expected, result.SegmentIds);
        }
    }

    [Fact]
    public void PanopticMergesStuffSegmentsOfOneClassButNotThings()
    {
        // Classes: 0 thing, 1 stuff. Centres: stuff on pixels 0-1, stuff on 2-3, thing on 4, thing on 5; 1x6 picture.
        float[] Mask(params int[] on) => Enumerable.Range(0, 6).Select(i => on.Contains(i) ? 4f : -4f).ToArray();
        var rows = new[] { ClassRow(2, 1, 0.9), ClassRow(2, 1, 0.85), ClassRow(2, 0, 0.9), ClassRow(2, 0, 0.9) };
        var prediction = Prediction(2, 1, 6, rows, [Mask(0, 1), Mask(2, 3), Mask(4), Mask(5)]);
        var result = PanopticPostProcessor.Segment(prediction, thingClasses: 1);
        Assert.Equal(new[] { 1, 1, 1, 1, 2, 3 }, result.SegmentIds);
        Assert.Equal([(1, 1, false), (2, 0, true), (3, 0, true)], result.Segments.Select(s => (s.Id, s.ClassId, s.IsThing)));
        Assert.Equal(0.9, result.Segments[0].Score, 6); // the merged segment keeps its best centre's score
    }

    [Fact]
    public void PanopticWithNoConfidentCentreIsAllVoid()
    {
        var prediction = Prediction(2, 2, 2, [ClassRow(2, 2, 0.9)], [[5, 5, 5, 5]]); // no-object wins
        var result = PanopticPostProcessor.Segment(prediction, thingClasses: 1);
        Assert.Empty(result.Segments);
        Assert.All(result.SegmentIds, id => Assert.Equal(0, id));
    }
}
