using ClustSeg.Runtime.Metrics.Superpixel;
using ClustSeg.Runtime.Segmentation;
using static ClustSeg.Tests.Segmentation.LabelMapText;

namespace ClustSeg.Tests.Metrics;

/// <summary>Each expected value is worked out by hand in the comment above it.</summary>
public class SuperpixelMetricsTests
{
    private const double Tolerance = 1e-12;

    private static void AssertScores(SuperpixelScores actual, double asa, double ue, double br, double co, double count)
    {
        Assert.Equal(asa, actual.AchievableSegmentationAccuracy, Tolerance);
        Assert.Equal(ue, actual.UndersegmentationError, Tolerance);
        Assert.Equal(br, actual.BoundaryRecall, Tolerance);
        Assert.Equal(co, actual.Compactness, Tolerance);
        Assert.Equal(count, actual.SuperpixelCount);
    }

    [Fact]
    public void PerfectSegmentation()
    {
        // Two 4x2 halves: area 8, perimeter 12 each; CO = 2 * (8/16) * 4 pi 8 / 144 = 2 pi / 9.
        var map = Parse("aabb", "aabb", "aabb", "aabb");
        AssertScores(SuperpixelMetrics.Evaluate(map, map), asa: 1, ue: 0, br: 1, co: 2 * Math.PI / 9, count: 2);
    }

    [Fact]
    public void VerticalStripsAgainstHorizontalHalves()
    {
        var superpixels = Parse("aabbcc", "aabbcc", "aabbcc", "aabbcc");
        var truth = Parse("xxxxxx", "xxxxxx", "yyyyyy", "yyyyyy");
        // Each 8-pixel strip overlaps both halves by 4: ASA = 3 * 4 / 24 = 0.5; UE = 3 * (4 + 4) / 24 = 1.
        // r = round(0.0025 * 7.2) = 0. Truth boundary pixels: rows 1 and 2 (12). Strip boundary pixels: columns
        // 1..4, so 8 of the 12 are hit: BR = 2/3. CO: three 4x2 strips, 3 * (8/24) * 4 pi 8 / 144 = 2 pi / 9.
        AssertScores(SuperpixelMetrics.Evaluate(superpixels, truth), asa: 0.5, ue: 1, br: 2.0 / 3, co: 2 * Math.PI / 9, count: 3);
    }

    [Fact]
    public void GridOfBlocksAgainstOffsetBoundary()
    {
        var superpixels = Parse("aaabbb", "aaabbb", "aaabbb", "cccddd", "cccddd", "cccddd");
        var truth = Parse("111122", "111122", "111122", "111122", "111122", "111122");
        // a, c lie in segment 1 (9 each); b, d split 3 / 6. ASA = (9 + 6 + 9 + 6) / 36 = 5/6.
        // UE = (min(3, 6) + min(6, 3)) * 2 / 36 = 1/3.
        // Truth boundary: columns 3 and 4 (12 pixels). Block boundary pixels: columns 2, 3 and rows 2, 3. All of
        // column 3 is hit (6), column 4 only in rows 2 and 3 (2): BR = 8/12.
        // CO: four 3x3 blocks, area 9, perimeter 12: 4 * (9/36) * 4 pi 9 / 144 = pi / 4.
        AssertScores(SuperpixelMetrics.Evaluate(superpixels, truth), asa: 5.0 / 6, ue: 1.0 / 3, br: 2.0 / 3, co: Math.PI / 4, count: 4);
    }

    [Fact]
    public void DisconnectedSuperpixelLabelCountsAsTwoSuperpixels()
    {
        var superpixels = Parse("aba", "aba", "aba");
        var truth = Parse("xxx", "xxx", "xxx");
        // After splitting: three 3x1 columns (area 3, perimeter 8): CO = 3 * (3/9) * 4 pi 3 / 64 = 3 pi / 16
        // (unsplit it would be pi / 8). One truth segment: ASA 1, UE 0, and no truth boundary, so BR = 0 as in
        // the reference.
        AssertScores(SuperpixelMetrics.Evaluate(superpixels, truth), asa: 1, ue: 0, br: 0, co: 3 * Math.PI / 16, count: 3);
        Assert.Equal(3, SuperpixelMetrics.CountSuperpixels(superpixels));
        Assert.Equal(3 * Math.PI / 16, SuperpixelMetrics.Compactness(superpixels), Tolerance);
    }

    [Fact]
    public void DisconnectedTruthLabelCountsAsTwoSegments()
    {
        var superpixels = Parse("aaa", "aaa", "aaa");
        var truth = Parse("xyx", "xyx", "xyx");
        // Truth splits into three 3-pixel columns. ASA = 3/9; UE = 3 * min(3, 9 - 3) / 9 = 1
        // (unsplit: ASA 6/9, UE 6/9). The superpixel has no boundary pixel: BR = 0. CO = 1 * 4 pi 9 / 144 = pi / 4.
        AssertScores(SuperpixelMetrics.Evaluate(superpixels, truth), asa: 1.0 / 3, ue: 1, br: 0, co: Math.PI / 4, count: 1);
    }

    [Fact]
    public void BoundaryRecallUsesTheSquareTolerance()
    {
        // 200x10: diagonal 200.25, r = round(0.50) = 1. Truth boundary at columns 99 | 100, superpixel boundary at
        // 101 | 102. Column 100 sees column 101 within the 3x3 square, column 99 does not: BR = 10 / 20.
        Assert.Equal(1, SuperpixelMetrics.BoundaryTolerance(200, 10));
        var truth = Split(200, 10, 100);
        var superpixels = Split(200, 10, 102);
        Assert.Equal(0.5, SuperpixelMetrics.BoundaryRecall(superpixels, truth), Tolerance);

        // 199x10: diagonal 199.25, r = 0: nothing is hit.
        Assert.Equal(0, SuperpixelMetrics.BoundaryTolerance(199, 10));
        Assert.Equal(0.0, SuperpixelMetrics.BoundaryRecall(Split(199, 10, 102), Split(199, 10, 100)), Tolerance);
    }

    [Theory]
    [InlineData(481, 321, 1)] // 578.3 * 0.0025 = 1.45
    [InlineData(1000, 1000, 4)] // 3.54
    [InlineData(1200, 1600, 5)] // diagonal 2000: exactly 5.0
    [InlineData(160, 120, 0)] // diagonal 200: 0.4999999888 with the reference's float 0.0025f
    public void ToleranceFollowsTheReferenceRounding(int width, int height, int expected) =>
        Assert.Equal(expected, SuperpixelMetrics.BoundaryTolerance(width, height));

    [Fact]
    public void SizeMismatchIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => SuperpixelMetrics.Evaluate(Parse("ab"), Parse("a", "b")));
        Assert.Contains("Superpixels are 2x1 but the ground truth is 1x2", error.Message);
    }

    [Fact]
    public void LabelValuesDoNotMatterOnlyRegions()
    {
        var superpixels = new LabelMap(3, 1, [int.MaxValue, -5, -5]);
        var truth = new LabelMap(3, 1, [7, 7, 1000000]);
        // Superpixels {0}, {1, 2}; truth {0, 1}, {2}. ASA = (1 + 1) / 3; UE = (min(1, 1) + min(1, 1)) / 3.
        var scores = SuperpixelMetrics.Evaluate(superpixels, truth);
        Assert.Equal(2.0 / 3, scores.AchievableSegmentationAccuracy, Tolerance);
        Assert.Equal(2.0 / 3, scores.UndersegmentationError, Tolerance);
    }

    /// <summary>Left part label 0 for columns below <paramref name="splitColumn"/>, right part label 1.</summary>
    private static LabelMap Split(int width, int height, int splitColumn) =>
        new(width, height, Enumerable.Range(0, width * height).Select(i => i % width < splitColumn ? 0 : 1).ToArray());
}
