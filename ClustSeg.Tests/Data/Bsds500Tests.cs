using ClustSeg.Runtime.Data.Bsds;
using ClustSeg.Runtime.Data.Matlab;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Data;

/// <summary>The BSDS500 reader on the real files in ../shared/data/bsds500.</summary>
public class Bsds500Tests
{
    [Theory]
    [InlineData("val", "101085")]
    [InlineData("train", "100075")]
    public void RealGroundTruthHasAnnotatorsWithLabelsFromOne(string split, string id)
    {
        var root = SharedData.Require("bsds500");
        if (root is null) return;
        var matPath = Path.Combine(root, "groundTruth", split, id + ".mat");

        var segmentations = Bsds500GroundTruth.ReadSegmentations(matPath);

        Assert.InRange(segmentations.Count, 4, 9);
        foreach (var map in segmentations)
        {
            Assert.True((map.Width, map.Height) is (481, 321) or (321, 481), $"{map.Width}x{map.Height}");
            // BSDS500 numbers each annotator's segments 1..S with no gaps.
            var distinct = map.Labels.Distinct().Count();
            Assert.Equal(1, map.Labels.Min());
            Assert.Equal(distinct, map.Labels.Max());
            Assert.True(distinct >= 2, "an annotator marked at least two segments");
        }
    }

    [Fact]
    public void RealGroundTruthReadsAsTheRawMatFileSays()
    {
        var root = SharedData.Require("bsds500");
        if (root is null) return;
        var matPath = Path.Combine(root, "groundTruth", "val", "101085.mat");
        var file = MatFile.Read(matPath);
        var cell = Assert.IsType<MatCellArray>(file.Get("groundTruth"));
        Assert.Equal(1, cell.Dimensions[0]);
        var annotation = Assert.IsType<MatStructArray>(cell.Cells[0]);
        Assert.Contains("Boundaries", annotation.FieldNames);
        var segmentation = Assert.IsType<MatNumericArray>(annotation.GetField(0, "Segmentation"));
        Assert.Equal(MatClass.UInt16, segmentation.Class);
        var boundaries = Assert.IsType<MatNumericArray>(annotation.GetField(0, "Boundaries"));
        Assert.Equal(segmentation.Dimensions, boundaries.Dimensions);

        // Row-major conversion: pixel (y, x) is column-major element y + H * x.
        int height = segmentation.Dimensions[0], width = segmentation.Dimensions[1];
        var map = Bsds500GroundTruth.ReadSegmentations(matPath)[0];
        Assert.Equal((width, height), (map.Width, map.Height));
        foreach (var (y, x) in new[] { (0, 0), (0, width - 1), (height - 1, 0), (height / 2, width / 3), (height - 1, width - 1) })
            Assert.Equal(segmentation.GetDouble(y + height * x), map[y, x]);
    }

    [Fact]
    public void ListsAndLoadsValSplit()
    {
        var root = SharedData.Require("bsds500");
        if (root is null) return;
        var dataset = Bsds500Dataset.Open("bsds500:" + root);

        var val = dataset.ListSamples("val");

        Assert.Equal(100, val.Count);
        Assert.Equal(val.Select(s => s.Id).Order(StringComparer.Ordinal), val.Select(s => s.Id));
        Assert.All(val, s => Assert.True(File.Exists(s.GroundTruthPath)));
        Assert.Equal(200, dataset.ListSamples("train").Count);
        Assert.Equal(["train", "val"], dataset.AvailableSplits());

        var sample = Bsds500Dataset.Load(val[0]);
        Assert.Equal(3 * sample.Image.Width * sample.Image.Height, sample.Image.Pixels.Length);
        Assert.InRange(sample.Segmentations.Count, 4, 9);
        Assert.All(sample.Segmentations, s => Assert.Equal((sample.Image.Width, sample.Image.Height), (s.Width, s.Height)));
    }

    [Fact]
    public void MissingTestSplitNamesTheSplitsPresent()
    {
        var root = SharedData.Require("bsds500");
        if (root is null) return;
        var error = Assert.Throws<DirectoryNotFoundException>(() => Bsds500Dataset.Open(root).ListSamples("test"));
        Assert.Contains("split 'test' has no image folder", error.Message);
        Assert.Contains("splits present: train, val", error.Message);
    }
}
