using ClustSeg.Runtime.Segmentation;
using static ClustSeg.Tests.Segmentation.LabelMapText;

namespace ClustSeg.Tests.Segmentation;

public class ConnectivityEnforcementTests
{
    [Fact]
    public void MinFragmentSizeIsSixPercentOfMeanSuperpixelSize()
    {
        Assert.Equal(15, ConnectivityEnforcement.MinFragmentSize(481 * 321, 600)); // 0.06 * 257.3 = 15.4
        Assert.Equal(6, ConnectivityEnforcement.MinFragmentSize(100, 1));
    }

    [Fact]
    public void IslandsAndStrayFragmentsMergeIntoSurroundingSegment()
    {
        var map = Parse(
            "aaabbb",
            "acabbb",
            "aaabbb",
            "ababbb",
            "ababbb",
            "aaabab");
        var result = ConnectivityEnforcement.EnforceWithMinSize(map, 3);
        Assert.Equal(
        [
            "000111",
            "000111",
            "000111",
            "000111",
            "000111",
            "000111",
        ], Render(result));
    }

    [Fact]
    public void LargeFragmentsOfOneLabelBecomeSeparateSuperpixels()
    {
        var map = Parse(
            "aaabbbaaa",
            "aaabbbaaa");
        var result = ConnectivityEnforcement.EnforceWithMinSize(map, 3);
        Assert.Equal(["000111222", "000111222"], Render(result));
    }

    [Fact]
    public void ChainOfSmallFragmentsFollowsTheLeftNeighbour()
    {
        var result = ConnectivityEnforcement.EnforceWithMinSize(Parse("aaaabcdddd"), 2);
        Assert.Equal(["0000001111"], Render(result));
    }

    [Fact]
    public void SmallFragmentAtFirstPixelJoinsAdjacentSegment()
    {
        var map = Parse(
            "xaaaa",
            "bbbaa",
            "bbbaa");
        var result = ConnectivityEnforcement.EnforceWithMinSize(map, 2);
        // 'x' has no segment left of or above it; it joins 'a', the first segment found across its border.
        Assert.Equal(["00000", "11100", "11100"], Render(result));
    }

    [Fact]
    public void SmallFragmentsHangingOffASmallFirstFragmentMoveWithIt()
    {
        // 'x' at (0,0) is small, 'y' hangs off it (its left neighbour is 'x'), both join the big 'a'.
        var map = Parse(
            "xyaaa",
            "aaaaa");
        var result = ConnectivityEnforcement.EnforceWithMinSize(map, 2);
        Assert.Equal(["00000", "00000"], Render(result));
    }

    [Fact]
    public void AllFragmentsSmallGivesOneSegment()
    {
        var result = ConnectivityEnforcement.EnforceWithMinSize(Parse("ab", "cd"), 10);
        Assert.Equal(["00", "00"], Render(result));
    }

    [Fact]
    public void EnforceUsesTheSuperpixelCountForTheThreshold()
    {
        // 10x10 with K = 2: min size (int)(0.06 * 50) = 3; the 2-pixel island merges, the 3-pixel one stays.
        var rows = Enumerable.Repeat(new string('a', 10), 10).ToArray();
        rows[2] = "abbaaaaaaa";
        rows[6] = "aaaaacccaa";
        var result = ConnectivityEnforcement.Enforce(Parse(rows), 2);
        Assert.Equal(2, result.CountDistinct());
        Assert.Equal(1, result[6, 5]);
        Assert.Equal(0, result[2, 1]);
    }

    [Theory]
    [InlineData(1, 40, 30, 12)]
    [InlineData(2, 57, 41, 30)]
    [InlineData(3, 13, 97, 5)]
    [InlineData(4, 64, 64, 100)]
    public void RandomMapsBecomeConnectedContiguousAndKeepEveryLargeFragment(int seed, int width, int height, int minSize)
    {
        var map = NoisyBlocks(seed, width, height);
        var fragments = LabelMaps.SplitConnectedComponents(map, out var fragmentCount);
        var fragmentSizes = new int[fragmentCount];
        foreach (var f in fragments.Labels) fragmentSizes[f]++;

        var result = ConnectivityEnforcement.EnforceWithMinSize(map, minSize);

        Assert.True(LabelMaps.IsEveryLabelConnected(result));
        var count = result.CountDistinct();
        Assert.Equal(Enumerable.Range(0, count), result.Labels.Distinct().Order());
        Assert.Equal(result.Labels, ConnectivityEnforcement.EnforceWithMinSize(map, minSize).Labels);

        // Each fragment lands whole in one output segment; each output segment holds exactly one large fragment.
        var segmentOfFragment = new int[fragmentCount];
        Array.Fill(segmentOfFragment, -1);
        for (var p = 0; p < map.PixelCount; p++)
        {
            var f = fragments.Labels[p];
            if (segmentOfFragment[f] < 0) segmentOfFragment[f] = result.Labels[p];
            Assert.Equal(segmentOfFragment[f], result.Labels[p]);
        }
        var largePerSegment = new int[count];
        for (var f = 0; f < fragmentCount; f++)
            if (fragmentSizes[f] >= minSize) largePerSegment[segmentOfFragment[f]]++;
        var largeCount = fragmentSizes.Count(s => s >= minSize);
        if (largeCount == 0) Assert.Equal(1, count);
        else Assert.All(largePerSegment, n => Assert.Equal(1, n));
    }

    /// <summary>Blocks of random labels with random single-pixel noise: many tiny fragments and split labels.</summary>
    private static LabelMap NoisyBlocks(int seed, int width, int height)
    {
        var random = new Random(seed);
        var labels = new int[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                labels[y * width + x] = random.NextDouble() < 0.15 ? random.Next(6) : (y / 7 * 5 + x / 9) % 6;
        return new LabelMap(width, height, labels);
    }
}
