using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Data;

public class SemanticLabelFolderTests
{
    [Fact]
    public void Ade20kSampleMapsZeroToIgnoreAndShiftsClasses()
    {
        var root = SharedData.Require("samples/ade20k");
        if (root is null) return;
        var set = SemanticLabelFolder.Ade20k(root);
        Assert.Equal(150, set.Classes.Count);
        Assert.Equal("wall", set.Classes.Names[0]);
        Assert.Equal("building", set.Classes.Names[1]);
        Assert.Equal(3, set.Samples.Count);
        Assert.EndsWith("ADE_val_00000001.jpg", set.Samples[0].ImagePath);
        for (var i = 0; i < set.Samples.Count; i++)
        {
            var raw = PngDecoder.Decode(set.Samples[i].LabelPath).Samples;
            var labels = set.ReadLabels(i).Labels;
            for (var p = 0; p < raw.Length; p++) Assert.Equal(raw[p] == 0 ? 255 : raw[p] - 1, labels[p]);
        }
        // ADE_val_00000003 has raw labels up to 103 (independently decoded), so class 102 appears.
        Assert.Equal(102, set.ReadLabels(2).Labels.Where(v => v != 255).Max());
    }

    [Fact]
    public void VocSampleKeepsVoidAsIgnore()
    {
        var root = SharedData.Require("samples/voc");
        if (root is null) return;
        var set = SemanticLabelFolder.Voc(root);
        Assert.Equal(21, set.Classes.Count);
        Assert.Equal(["114", "1", "23"], set.Samples.Select(s => Path.GetFileName(s.LabelPath).Split('_')[0]));
        var labels = set.ReadLabels(0);
        Assert.Equal((513, 513), (labels.Width, labels.Height));
        Assert.Equal(3, labels.Labels.Distinct().Count()); // background, one class, void
        Assert.Contains((byte)255, labels.Labels);
    }

    [Fact]
    public void CityscapesSampleUsesTrainIds()
    {
        var root = SharedData.Require("samples/cityscapes");
        if (root is null) return;
        var set = SemanticLabelFolder.Cityscapes(root);
        Assert.Equal(19, set.Classes.Count);
        var sample = Assert.Single(set.Samples);
        Assert.EndsWith("_leftImg8bit.png", sample.ImagePath);
        var labels = set.ReadLabels(0);
        Assert.Equal((256, 128), (labels.Width, labels.Height));
        Assert.All(labels.Labels, v => Assert.True(v < 19 || v == 255));
        // labelIds are not train ids: reading them as train ids must fail loudly, naming the file.
        var labelIds = Path.Combine(root, "frankfurt_000000_000294_gtFine_labelIds.png");
        var e = Assert.Throws<DataFileException>(() => SemanticLabelFolder.ReadLabels(labelIds, 19, SemanticLabelEncoding.Identity));
        Assert.Contains(labelIds, e.Message);
        Assert.Contains("labelTrainIds", e.Message);
    }

    [Fact]
    public void LabelWithoutImageAndColourLabelsAreErrors()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(Path.Combine(temp.Path, "img"));
        PngEncoder.Write(temp.File("lab/x.png"), PngImage.FromGray8(2, 1, [0, 1]));
        var e = Assert.Throws<DataFileException>(() => SemanticLabelFolder.FromFolders(Path.Combine(temp.Path, "img"), Path.Combine(temp.Path, "lab"), SemanticClassList.Voc, SemanticLabelEncoding.Identity));
        Assert.Contains("no matching image", e.Message);

        PngEncoder.Write(temp.File("img/x.png"), PngImage.FromRgb8(2, 1, [0, 0, 0, 1, 1, 1]));
        PngEncoder.Write(temp.File("lab/x.png"), PngImage.FromRgb8(2, 1, [0, 0, 0, 1, 1, 1]));
        var set = SemanticLabelFolder.FromFolders(Path.Combine(temp.Path, "img"), Path.Combine(temp.Path, "lab"), SemanticClassList.Voc, SemanticLabelEncoding.Identity);
        Assert.Contains("one class index per pixel", Assert.Throws<DataFileException>(() => set.ReadLabels(0)).Message);
    }
}
