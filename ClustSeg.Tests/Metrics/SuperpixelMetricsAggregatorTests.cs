using ClustSeg.Runtime.Metrics.Superpixel;
using static ClustSeg.Tests.Segmentation.LabelMapText;

namespace ClustSeg.Tests.Metrics;

public class SuperpixelMetricsAggregatorTests
{
    [Fact]
    public void AveragesOverEveryAnnotatorOfEveryImage()
    {
        var aggregator = new SuperpixelMetricsAggregator();
        var strips = Parse("aabbcc", "aabbcc", "aabbcc", "aabbcc");
        var halves = Parse("xxxxxx", "xxxxxx", "yyyyyy", "yyyyyy");
        var blocks = Parse("aaabbb", "aaabbb", "aaabbb", "cccddd", "cccddd", "cccddd");
        var offset = Parse("111122", "111122", "111122", "111122", "111122", "111122");

        // Image 1 has two annotators (halves: ASA 1/2, UE 1, BR 2/3; itself: 1, 0, 1), image 2 one (5/6, 1/3, 2/3);
        // see SuperpixelMetricsTests for each value. Three scores weigh equally.
        aggregator.AddImage(strips, [halves, strips]);
        aggregator.AddImage(blocks, [offset]);

        Assert.Equal(3, aggregator.ScoreCount);
        Assert.Equal(2, aggregator.ImageCount);
        var mean = aggregator.Mean;
        Assert.Equal((0.5 + 1 + 5.0 / 6) / 3, mean.AchievableSegmentationAccuracy, 1e-12);
        Assert.Equal((1 + 0 + 1.0 / 3) / 3, mean.UndersegmentationError, 1e-12);
        Assert.Equal((2.0 / 3 + 1 + 2.0 / 3) / 3, mean.BoundaryRecall, 1e-12);
        Assert.Equal((2 * Math.PI / 9 * 2 + Math.PI / 4) / 3, mean.Compactness, 1e-12);
        Assert.Equal((3 + 3 + 4) / 3.0, mean.SuperpixelCount, 1e-12);
    }

    [Fact]
    public void SingleScoresCanBeAddedDirectly()
    {
        var aggregator = new SuperpixelMetricsAggregator();
        aggregator.Add(new SuperpixelScores(0.9, 0.1, 0.5, 0.3, 100));
        aggregator.Add(new SuperpixelScores(0.7, 0.3, 0.7, 0.1, 200));
        Assert.Equal(new SuperpixelScores(0.8, 0.2, 0.6, 0.2, 150), aggregator.Mean with
        {
            AchievableSegmentationAccuracy = Math.Round(aggregator.Mean.AchievableSegmentationAccuracy, 12),
            UndersegmentationError = Math.Round(aggregator.Mean.UndersegmentationError, 12),
            BoundaryRecall = Math.Round(aggregator.Mean.BoundaryRecall, 12),
            Compactness = Math.Round(aggregator.Mean.Compactness, 12),
        });
        Assert.Equal(0, aggregator.ImageCount);
    }

    [Fact]
    public void MeanOfNothingIsAnError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new SuperpixelMetricsAggregator().Mean);
        Assert.Contains("No superpixel scores were added", error.Message);
    }
}
