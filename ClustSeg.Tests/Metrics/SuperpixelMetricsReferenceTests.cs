using ClustSeg.Runtime.Metrics.Superpixel;
using ClustSeg.Runtime.Segmentation;

namespace ClustSeg.Tests.Metrics;

/// <summary>
/// The O(N) metrics against a literal transcription of the definitions (dense intersection matrix, a window scan
/// per boundary pixel) on random maps of awkward sizes.
/// </summary>
public class SuperpixelMetricsReferenceTests
{
    [Theory]
    [InlineData(1, 97, 61)] // r = 0
    [InlineData(2, 301, 199)] // r = 1
    [InlineData(3, 601, 401)] // r = 2 (diagonal 722)
    public void MatchesNaiveDefinitions(int seed, int width, int height)
    {
        var random = new Random(seed);
        var superpixels = Blocky(random, width, height, cell: 9, labels: 40);
        var truth = Blocky(random, width, height, cell: 23, labels: 5);

        var scores = SuperpixelMetrics.Evaluate(superpixels, truth);

        var sp = LabelMaps.SplitConnectedComponents(superpixels, out var spCount).Labels;
        var gt = LabelMaps.SplitConnectedComponents(truth, out var gtCount).Labels;
        var n = width * height;
        var intersection = new long[spCount, gtCount];
        var spSize = new long[spCount];
        for (var p = 0; p < n; p++)
        {
            intersection[sp[p], gt[p]]++;
            spSize[sp[p]]++;
        }
        double asa = 0, ue = 0;
        for (var s = 0; s < spCount; s++)
        {
            long best = 0;
            for (var g = 0; g < gtCount; g++)
            {
                best = Math.Max(best, intersection[s, g]);
                if (intersection[s, g] > 0) ue += Math.Min(intersection[s, g], spSize[s] - intersection[s, g]);
            }
            asa += best;
        }
        Assert.Equal(asa / n, scores.AchievableSegmentationAccuracy, 1e-12);
        Assert.Equal(ue / n, scores.UndersegmentationError, 1e-12);

        var r = (int)Math.Round(0.0025f * Math.Sqrt(height * height + width * width), MidpointRounding.AwayFromZero);
        double hits = 0, total = 0;
        for (var i = 0; i < height; i++)
            for (var j = 0; j < width; j++)
            {
                if (!IsBoundary(gt, width, height, i, j)) continue;
                total++;
                var found = false;
                for (var k = Math.Max(0, i - r); k <= Math.Min(height - 1, i + r); k++)
                    for (var l = Math.Max(0, j - r); l <= Math.Min(width - 1, j + r); l++)
                        found |= IsBoundary(sp, width, height, k, l);
                if (found) hits++;
            }
        Assert.True(total > 0);
        Assert.Equal(hits / total, scores.BoundaryRecall, 1e-12);
        Assert.True(scores.BoundaryRecall is > 0 and < 1, $"BR {scores.BoundaryRecall} should be informative");
    }

    private static bool IsBoundary(int[] labels, int width, int height, int i, int j)
    {
        var label = labels[i * width + j];
        return (i > 0 && labels[(i - 1) * width + j] != label) || (i < height - 1 && labels[(i + 1) * width + j] != label)
            || (j > 0 && labels[i * width + j - 1] != label) || (j < width - 1 && labels[i * width + j + 1] != label);
    }

    /// <summary>Cells of random labels with ragged edges, so labels repeat in separate places and boundaries wiggle.</summary>
    private static LabelMap Blocky(Random random, int width, int height, int cell, int labels)
    {
        var cellLabels = new int[(height / cell + 2) * (width / cell + 2)];
        for (var i = 0; i < cellLabels.Length; i++) cellLabels[i] = random.Next(labels);
        var map = new int[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var jitterY = y + random.Next(3) - 1;
                var jitterX = x + random.Next(3) - 1;
                map[y * width + x] = cellLabels[(Math.Max(0, jitterY) / cell) * (width / cell + 2) + Math.Max(0, jitterX) / cell];
            }
        return new LabelMap(width, height, map);
    }
}
