using ClustSeg.Runtime.Data.Coco;

namespace ClustSeg.Tests.Data;

public class RleTests
{
    private static byte[] Rows(params string[] rows) => rows.SelectMany(r => r.Select(c => (byte)(c - '0'))).ToArray();

    [Fact]
    public void EncodesColumnMajorRunsStartingWithBackground()
    {
        // 4x5, foreground at rows 1-2, columns 1-3. Down column 0: 4 zeros; column 1: 1 zero, 2 ones, 1 zero; ...
        var mask = Rows("00000", "01110", "01110", "00000");
        var rle = Rle.Encode(mask, 4, 5);
        Assert.Equal(new uint[] { 5, 2, 2, 2, 2, 2, 5 }, rle.Counts.ToArray());
        Assert.Equal(6, rle.Area);
        // Counts 5, 2, 2 as digits; from the fourth on the difference to two back (0, 0, 0, 3).
        Assert.Equal("5220003", rle.ToCompressedString());
        Assert.Equal(new double[] { 1, 1, 3, 2 }, rle.ToBbox());
        Assert.Equal(mask, rle.Decode());
    }

    [Fact]
    public void MaskStartingWithForegroundHasLeadingZeroRun()
    {
        var rle = Rle.Encode(Rows("10", "10"), 2, 2);
        Assert.Equal(new uint[] { 0, 2, 2 }, rle.Counts.ToArray());
        Assert.Equal(new uint[] { 4 }, Rle.Encode(new byte[4], 2, 2).Counts.ToArray());
        Assert.Equal(new double[] { 0, 0, 0, 0 }, Rle.Encode(new byte[4], 2, 2).ToBbox());
    }

    [Fact]
    public void CompressedStringsRoundTripLargeAndNegativeDifferences()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 200; trial++)
        {
            var counts = Enumerable.Range(0, random.Next(1, 30)).Select(_ => (uint)random.Next(0, random.Next(2) == 0 ? 40 : 5_000_000)).ToArray();
            var total = counts.Sum(c => (long)c);
            var rle = new Rle(1, (int)total, counts);
            var text = rle.ToCompressedString();
            Assert.All(text, c => Assert.InRange(c, '0', 'o'));
            Assert.Equal(counts, Rle.FromCompressedString(text, 1, (int)total).Counts.ToArray());
        }
    }

    [Fact]
    public void RejectsMalformedStringsAndCounts()
    {
        Assert.Throws<FormatException>(() => Rle.FromCompressedString("5 2", 3, 3));
        Assert.Throws<FormatException>(() => Rle.FromCompressedString("5p", 3, 3)); // ends inside a number
        Assert.Throws<ArgumentException>(() => Rle.FromCompressedString("52", 3, 3)); // 7 of 9 pixels
        Assert.Throws<ArgumentException>(() => new Rle(2, 2, [1, 1]));
    }

    [Fact]
    public void EncodeDecodeRoundTripsRandomMasks()
    {
        var random = new Random(9);
        for (var trial = 0; trial < 100; trial++)
        {
            int h = random.Next(1, 20), w = random.Next(1, 20);
            var mask = Enumerable.Range(0, h * w).Select(_ => (byte)(random.Next(3) == 0 ? 1 : 0)).ToArray();
            var rle = Rle.Encode(mask, h, w);
            Assert.Equal(mask, rle.Decode());
            Assert.Equal(mask.Count(v => v == 1), rle.Area);
            Assert.Equal(rle, Rle.FromCompressedString(rle.ToCompressedString(), h, w));
        }
    }

    [Fact]
    public void IouAgreesWithPixelCounting()
    {
        var a = Rows("1100", "1100", "0000");
        var b = Rows("0110", "0110", "0110");
        var ra = Rle.Encode(a, 3, 4);
        var rb = Rle.Encode(b, 3, 4);
        Assert.Equal(2.0 / 8.0, Rle.Iou(ra, rb, false)); // intersection 2, union 4 + 6 - 2
        Assert.Equal(2.0 / 4.0, Rle.Iou(ra, rb, true)); // crowd: divide by the detection's area
        Assert.Equal(0.0, Rle.Iou(ra, Rle.Encode(Rows("0000", "0000", "0011"), 3, 4), false));
        Assert.Equal(Rows("1110", "1110", "0110"), Rle.Merge([ra, rb]).Decode());
        Assert.Equal(Rows("0100", "0100", "0000"), Rle.Merge([ra, rb], intersect: true).Decode());
    }

    [Fact]
    public void PolygonRasterisationMatchesHandCase()
    {
        // Axis-aligned square with corners on pixel boundaries covers exactly the pixels inside it.
        var rle = Rle.FromPolygon([1, 1, 4, 1, 4, 3, 1, 3], 6, 7);
        var expected = Rows("0000000", "0111000", "0111000", "0000000", "0000000", "0000000");
        Assert.Equal(expected, rle.Decode());
        Assert.Equal(Rle.FromBbox([1, 1, 3, 2], 6, 7), rle);
    }

    [Fact]
    public void MatchesPycocotoolsOnPolygons()
    {
        using var fixture = OracleFixture.Load("pycocotools_rle_cases.json");
        foreach (var c in fixture.RootElement.GetProperty("polygons").EnumerateArray())
        {
            int h = c.GetProperty("h").GetInt32(), w = c.GetProperty("w").GetInt32();
            var xy = c.GetProperty("xy").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var rle = Rle.FromPolygon(xy, h, w);
            var context = $"polygon [{string.Join(", ", xy)}] in {h}x{w}";
            Assert.True(c.GetProperty("counts").GetString() == rle.ToCompressedString(), context);
            Assert.Equal(c.GetProperty("area").GetInt64(), rle.Area);
            Assert.Equal(c.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray(), rle.ToBbox());
        }
    }

    [Fact]
    public void MatchesPycocotoolsOnMasks()
    {
        using var fixture = OracleFixture.Load("pycocotools_rle_cases.json");
        foreach (var c in fixture.RootElement.GetProperty("masks").EnumerateArray())
        {
            int h = c.GetProperty("h").GetInt32(), w = c.GetProperty("w").GetInt32();
            var mask = Rows(c.GetProperty("rows").EnumerateArray().Select(r => r.GetString()!).ToArray());
            var rle = Rle.Encode(mask, h, w);
            Assert.Equal(c.GetProperty("counts").GetString(), rle.ToCompressedString());
            Assert.Equal(c.GetProperty("uncompressed").EnumerateArray().Select(v => v.GetUInt32()).ToArray(), rle.Counts.ToArray());
            Assert.Equal(c.GetProperty("area").GetInt64(), rle.Area);
            Assert.Equal(c.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray(), rle.ToBbox());
            Assert.Equal(mask, Rle.FromCompressedString(c.GetProperty("counts").GetString()!, h, w).Decode());
        }
    }

    [Fact]
    public void MatchesPycocotoolsOnIouAndMerge()
    {
        using var fixture = OracleFixture.Load("pycocotools_rle_cases.json");
        foreach (var c in fixture.RootElement.GetProperty("pairs").EnumerateArray())
        {
            int h = c.GetProperty("h").GetInt32(), w = c.GetProperty("w").GetInt32();
            var a = Rle.FromCompressedString(c.GetProperty("a").GetString()!, h, w);
            var b = Rle.FromCompressedString(c.GetProperty("b").GetString()!, h, w);
            Assert.Equal(c.GetProperty("iou").GetDouble(), Rle.Iou(a, b, false));
            Assert.Equal(c.GetProperty("iou_crowd").GetDouble(), Rle.Iou(a, b, true));
            Assert.Equal(c.GetProperty("union").GetString(), Rle.Merge([a, b]).ToCompressedString());
            Assert.Equal(c.GetProperty("intersection").GetString(), Rle.Merge([a, b], intersect: true).ToCompressedString());
        }
    }
}
