using ClustSeg.Runtime.Segmentation;
using static ClustSeg.Tests.Segmentation.LabelMapText;

namespace ClustSeg.Tests.Segmentation;

public class LabelMapsTests
{
    [Fact]
    public void RelabelContiguousNumbersByFirstAppearance()
    {
        var map = new LabelMap(3, 2, [5, 5, -2, 7, -2, 5]);
        var relabelled = LabelMaps.RelabelContiguous(map, out var count);
        Assert.Equal(3, count);
        Assert.Equal([0, 0, 1, 2, 1, 0], relabelled.Labels);
        Assert.Equal([5, 5, -2, 7, -2, 5], map.Labels); // input untouched
    }

    [Fact]
    public void SplitKeepsConnectedLabelsWhole()
    {
        var split = LabelMaps.SplitConnectedComponents(Parse("aab", "bab", "bbb"), out var count);
        Assert.Equal(2, count);
        Assert.Equal(["001", "101", "111"], Render(split));
    }

    [Fact]
    public void SplitSeparatesDisconnectedPiecesOfOneLabel()
    {
        var split = LabelMaps.SplitConnectedComponents(Parse("aba", "aba"), out var count);
        Assert.Equal(3, count);
        Assert.Equal(["012", "012"], Render(split));
    }

    [Fact]
    public void DiagonalNeighboursAreNotConnected()
    {
        var split = LabelMaps.SplitConnectedComponents(Parse("ab", "ba"), out var count);
        Assert.Equal(4, count);
        Assert.Equal(["01", "23"], Render(split));
        Assert.False(LabelMaps.IsEveryLabelConnected(Parse("ab", "ba")));
        Assert.True(LabelMaps.IsEveryLabelConnected(Parse("aab", "bab", "bbb")));
    }

    [Fact]
    public void SplitHandlesWindingRegion()
    {
        // A spiral of 'a' around 'b': one component each, however the flood fill walks.
        var map = Parse(
            "aaaaa",
            "bbbba",
            "aaaba",
            "abbba",
            "aaaaa");
        LabelMaps.SplitConnectedComponents(map, out var count);
        Assert.Equal(2, count);
    }
}
