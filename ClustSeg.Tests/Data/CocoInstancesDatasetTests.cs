using System.Text.Json;
using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Coco;

namespace ClustSeg.Tests.Data;

public class CocoInstancesDatasetTests
{
    private static string Write(TempFolder temp, object[] annotations, string name = "gt.json") =>
        temp.File(name, JsonSerializer.Serialize(new
        {
            images = new[] { new { id = 7, width = 6, height = 4, file_name = "a.jpg" } },
            categories = new[] { new { id = 1, name = "cat" } },
            annotations,
        }));

    [Fact]
    public void ReadsPolygonsUncompressedAndCompressedRle()
    {
        using var temp = new TempFolder();
        var path = Write(temp,
        [
            new { id = 1, image_id = 7, category_id = 1, segmentation = (object)new[] { new[] { 1.0, 1, 4, 1, 4, 3, 1, 3 } }, area = 6.0, iscrowd = 0 },
            new { id = 2, image_id = 7, category_id = 1, segmentation = (object)new { size = new[] { 4, 6 }, counts = new[] { 5, 3, 16 } }, area = 3.0, iscrowd = 1 },
            new { id = 3, image_id = 7, category_id = 1, segmentation = (object)new { size = new[] { 4, 6 }, counts = "53`0" }, area = 3.0, iscrowd = 0 },
        ]);
        var set = CocoInstancesDataset.Load(path);
        Assert.Equal(3, set.Annotations.Count);
        var polygon = set.GetMask(set.Annotations[0]);
        Assert.Equal(6, polygon.Area);
        Assert.Equal(new double[] { 1, 1, 3, 2 }, polygon.ToBbox());
        Assert.True(set.Annotations[1].IsCrowd);
        // Counts [5, 3, 16]: column 1, rows 1-3.
        var crowd = set.GetMask(set.Annotations[1]).Decode();
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, crowd);
        Assert.Equal(set.GetMask(set.Annotations[1]), set.GetMask(set.Annotations[2])); // "53`0": 5, 3, then 16 = 0b10000 whose bit 4 reads as a sign, so a continuation char (0x20|16)+48 and a 0
    }

    [Fact]
    public void FourNumberPolygonsAreBoxesAsInPycocotools()
    {
        using var temp = new TempFolder();
        var path = Write(temp, [new { id = 1, image_id = 7, category_id = 1, segmentation = new[] { new[] { 1.0, 1, 3, 2 } }, area = 6.0 }]);
        var set = CocoInstancesDataset.Load(path);
        Assert.Equal(Rle.FromBbox([1, 1, 3, 2], 4, 6), set.GetMask(set.Annotations[0]));
    }

    [Theory]
    [InlineData("{\"id\":1,\"image_id\":8,\"category_id\":1,\"segmentation\":[[1,1,4,1,4,3]],\"area\":1}", "image_id 8 is not in the \"images\" list")]
    [InlineData("{\"id\":1,\"image_id\":7,\"category_id\":5,\"segmentation\":[[1,1,4,1,4,3]],\"area\":1}", "category_id 5 is not in the category list")]
    [InlineData("{\"id\":1,\"image_id\":7,\"category_id\":1,\"segmentation\":{\"size\":[4,6],\"counts\":[5,3]},\"area\":1}", "invalid RLE")]
    [InlineData("{\"id\":1,\"image_id\":7,\"category_id\":1,\"segmentation\":{\"size\":[5,6],\"counts\":[30]},\"area\":1}", "differs from the image size")]
    [InlineData("{\"id\":1,\"image_id\":7,\"category_id\":1,\"segmentation\":[[1,1,4]],\"area\":1}", "polygon has 3 coordinates")]
    [InlineData("{\"id\":1,\"image_id\":7,\"category_id\":1,\"area\":1}", "missing required field \"segmentation\"")]
    public void BadAnnotationsNameTheFileAndTheProblem(string annotation, string problem)
    {
        using var temp = new TempFolder();
        var path = temp.File("broken.json",
            "{\"images\":[{\"id\":7,\"width\":6,\"height\":4}],\"categories\":[{\"id\":1,\"name\":\"c\"}],\"annotations\":[" + annotation + "]}");
        var e = Assert.Throws<DataFileException>(() => CocoInstancesDataset.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("annotations[0]", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void DuplicateAnnotationIdsAreRejected()
    {
        using var temp = new TempFolder();
        var ann = new { id = 1, image_id = 7, category_id = 1, segmentation = new[] { new[] { 1.0, 1, 4, 1, 4, 3 } }, area = 1.0 };
        var e = Assert.Throws<DataFileException>(() => CocoInstancesDataset.Load(Write(temp, [ann, ann])));
        Assert.Contains("annotation id 1 appears more than once", e.Message);
    }

    [Fact]
    public void ResultsMustMatchTheGroundTruthAndTakeBoxAreasWhenTheFirstHasABox()
    {
        using var temp = new TempFolder();
        var set = CocoInstancesDataset.Load(Write(temp, [new { id = 1, image_id = 7, category_id = 1, segmentation = new[] { new[] { 1.0, 1, 4, 1, 4, 3 } }, area = 3.0 }]));
        var mask = Rle.Encode(new byte[] { 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 4, 6).ToCompressedString();
        var withBox = temp.File("r1.json", $"[{{\"image_id\":7,\"category_id\":1,\"score\":0.5,\"bbox\":[0,0,2,5],\"segmentation\":{{\"size\":[4,6],\"counts\":\"{mask}\"}}}}]");
        Assert.Equal(10.0, CocoInstanceResults.Load(withBox, set)[0].Area); // 2 x 5 from the box, not 3 mask pixels
        var withoutBox = temp.File("r2.json", $"[{{\"image_id\":7,\"category_id\":1,\"score\":0.5,\"segmentation\":{{\"size\":[4,6],\"counts\":\"{mask}\"}}}}]");
        Assert.Equal(3.0, CocoInstanceResults.Load(withoutBox, set)[0].Area);
        var wrongImage = temp.File("r3.json", $"[{{\"image_id\":9,\"category_id\":1,\"score\":0.5,\"segmentation\":{{\"size\":[4,6],\"counts\":\"{mask}\"}}}}]");
        Assert.Contains("image_id 9 is not an image", Assert.Throws<DataFileException>(() => CocoInstanceResults.Load(wrongImage, set)).Message);
        var noScore = temp.File("r4.json", $"[{{\"image_id\":7,\"category_id\":1,\"segmentation\":{{\"size\":[4,6],\"counts\":\"{mask}\"}}}}]");
        Assert.Contains("missing required field \"score\"", Assert.Throws<DataFileException>(() => CocoInstanceResults.Load(noScore, set)).Message);
    }
}
