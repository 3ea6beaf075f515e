using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Data;

public class CocoPanopticDatasetTests
{
    private static readonly Dictionary<char, int> Ids = new() { ['a'] = 5, ['b'] = 70000, ['s'] = 3 };

    [Fact]
    public void ReadsTheRealCocoSample()
    {
        var dir = SharedData.Require("samples/coco_panoptic");
        if (dir is null) return;
        var set = CocoPanopticDataset.Load(Path.Combine(dir, "panoptic_examples.json"), Path.Combine(dir, "panoptic_examples"));
        Assert.Equal(2, set.Images.Count);
        Assert.Equal(133, set.Categories.Count);
        Assert.Equal(80, set.Categories.Count(c => c.IsThing));
        Assert.Equal([142238L, 439180L], set.Annotations.Select(a => a.ImageId));
        Assert.Equal([18, 32], set.Annotations.Select(a => a.Segments.Count));
        Assert.Equal(3, set.Annotations.Sum(a => a.Segments.Count(s => s.IsCrowd)));
        foreach (var annotation in set.Annotations)
        {
            var map = set.ReadSegmentMap(annotation);
            var image = set.FindImage(annotation.ImageId)!;
            Assert.Equal((image.Width, image.Height), (map.Width, map.Height));
            var areas = map.CountAreas();
            // Every JSON area equals the PNG's pixel count (checked independently with a Python decoder as well).
            Assert.All(annotation.Segments, s => Assert.Equal(s.Area, areas[s.Id]));
        }
        Assert.Equal(2712, set.ReadSegmentMap(set.Annotations[0]).CountAreas()[0]); // void pixels of 142238
        set.Validate();
    }

    [Fact]
    public void RoundTripsSegmentIdsThroughPng()
    {
        using var temp = new TempFolder();
        var map = PanopticTestSet.Map(["aab.", "ssbs"], Ids);
        var json = PanopticTestSet.Write(temp, "set", map, [PanopticTestSet.Segment(5, 1, 2), PanopticTestSet.Segment(70000, 2, 2), PanopticTestSet.Segment(3, 10, 3)]);
        var set = CocoPanopticDataset.Load(json);
        Assert.Equal(map.Ids, set.ReadSegmentMap(set.Annotations[0]).Ids);
    }

    [Fact]
    public void PngIdMissingFromJsonIsAnError()
    {
        using var temp = new TempFolder();
        var json = PanopticTestSet.Write(temp, "set", PanopticTestSet.Map(["aab"], Ids), [PanopticTestSet.Segment(5, 1)]);
        var set = CocoPanopticDataset.Load(json);
        var e = Assert.Throws<DataFileException>(() => set.ReadSegmentMap(set.Annotations[0]));
        Assert.Contains("1.png", e.Message);
        Assert.Contains("70000 are in the PNG but not in segments_info", e.Message);
    }

    [Fact]
    public void JsonIdMissingFromPngIsAnError()
    {
        using var temp = new TempFolder();
        var json = PanopticTestSet.Write(temp, "set", PanopticTestSet.Map(["aa"], Ids), [PanopticTestSet.Segment(5, 1), PanopticTestSet.Segment(9, 2)]);
        var set = CocoPanopticDataset.Load(json);
        var e = Assert.Throws<DataFileException>(() => set.ReadSegmentMap(set.Annotations[0]));
        Assert.Contains("9 are listed", e.Message);
    }

    [Fact]
    public void UnknownCategoryIsAnError()
    {
        using var temp = new TempFolder();
        var json = PanopticTestSet.Write(temp, "set", PanopticTestSet.Map(["aa"], Ids), [PanopticTestSet.Segment(5, 42)]);
        var e = Assert.Throws<DataFileException>(() => CocoPanopticDataset.Load(json));
        Assert.Contains("set.json", e.Message);
        Assert.Contains("category_id 42", e.Message);
    }

    [Fact]
    public void AnnotationForUnknownImageIsAnError()
    {
        using var temp = new TempFolder();
        var json = PanopticTestSet.Write(temp, "set", PanopticTestSet.Map(["aa"], Ids), [PanopticTestSet.Segment(5, 1)]);
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"image_id\":1", "\"image_id\":2"));
        var e = Assert.Throws<DataFileException>(() => CocoPanopticDataset.Load(json));
        Assert.Contains("image_id 2 is not in the \"images\" list", e.Message);
    }

    [Fact]
    public void SizeMismatchAndTruncatedPngAreErrors()
    {
        using var temp = new TempFolder();
        var json = PanopticTestSet.Write(temp, "set", PanopticTestSet.Map(["aa"], Ids), [PanopticTestSet.Segment(5, 1)]);
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"width\":2", "\"width\":3"));
        var set = CocoPanopticDataset.Load(json);
        Assert.Contains("PNG is 2x1 but", Assert.Throws<DataFileException>(() => set.ReadSegmentMap(set.Annotations[0])).Message);

        var png = Path.Combine(temp.Path, "set", "1.png");
        var bytes = File.ReadAllBytes(png);
        File.WriteAllBytes(png, bytes[..(bytes.Length - 15)]);
        var e = Assert.Throws<ClustSeg.Runtime.Imaging.Png.PngFormatException>(() => set.Validate());
        Assert.Contains(png, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void MissingFolderAndMalformedJsonAreErrors()
    {
        using var temp = new TempFolder();
        Assert.Contains("does not exist", Assert.Throws<DataFileException>(() => CocoPanopticDataset.Load(temp.File("nothing.json", "{}"))).Message);
        Directory.CreateDirectory(Path.Combine(temp.Path, "bad"));
        var e = Assert.Throws<DataFileException>(() => CocoPanopticDataset.Load(temp.File("bad.json", "{\"annotations\": [{\"image_id\": \"x\"}]}")));
        Assert.Contains("annotations[0].image_id: expected an integer", e.Message);
        Assert.Throws<DataFileException>(() => CocoPanopticDataset.Load(temp.File("bad.json", "{\"annotations\": [")));
    }
}
