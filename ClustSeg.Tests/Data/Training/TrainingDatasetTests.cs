using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Data.Training;

public sealed class TrainingDatasetTests(SynthFixture synth) : IClassFixture<SynthFixture>
{
    [Fact]
    public void EveryFormatOfTheSynthDataGivesTheSameSamples()
    {
        var train = Path.Combine(synth.Root, "train");
        var panoptic = TrainingDataset.Open($"coco-panoptic:{Path.Combine(train, "panoptic.json")}");
        var viaSynth = TrainingDataset.Open($"synth:{synth.Root}");
        var instances = TrainingDataset.Open($"coco-instances:{train}");
        var semantic = TrainingDataset.Open($"semantic:{train}");
        var val = TrainingDataset.Open($"synth:{synth.Root}", split: "val");
        Assert.Equal(9, val.Count);
        foreach (var set in new[] { panoptic, viaSynth, instances, semantic })
        {
            Assert.Equal(21, set.Count);
            set.Validate();
        }
        Assert.Equal(["disc", "rectangle", "triangle", "ring", "sky", "grass", "water"], panoptic.Classes.Select(c => c.Name));
        Assert.Equal([0, 1, 2, 3], panoptic.ThingClassIds);
        Assert.Equal(Enumerable.Range(1, 7), panoptic.Classes.Select(c => c.SourceId)); // COCO category ids
        Assert.Equal(Enumerable.Range(0, 7), semantic.Classes.Select(c => c.SourceId)); // stored label values
        Assert.Equal(panoptic.Classes.Take(4), instances.Classes);
        Assert.Equal(panoptic.Classes.Select(c => c.Name), semantic.Classes.Select(c => c.Name));

        for (var i = 0; i < panoptic.Count; i++)
        {
            var p = panoptic.Load(i);
            var s = semantic.Load(i);
            var n = instances.Load(i);
            Assert.Equal(p.Image.Pixels, viaSynth.Load(i).Image.Pixels);
            Assert.Equal(p.Image.Pixels, s.Image.Pixels);
            Assert.Equal(p.Image.Pixels, n.Image.Pixels);
            Assert.Equal(p.Labels, s.Labels);
            // Instance labels: the class where a thing is, ignore elsewhere (no stuff in COCO instances).
            for (var k = 0; k < p.Labels.Length; k++) Assert.Equal(p.Labels[k] < 4 ? p.Labels[k] : 255, n.Labels[k]);
            var things = p.Instances.Where(x => x.ClassId < 4).ToList();
            Assert.Equal(things.Select(x => x.ClassId), n.Instances.Select(x => x.ClassId));
            for (var k = 0; k < things.Count; k++) Assert.Equal(things[k].Mask, n.Instances[k].Mask);
            // Semantic: one region per class present, in class order.
            Assert.Equal(p.Labels.Distinct().Order().Select(v => (int)v), s.Instances.Select(x => x.ClassId));
            foreach (var region in s.Instances)
                Assert.Equal(p.Labels.Select(v => v == region.ClassId ? (byte)1 : (byte)0), region.Mask);
        }
    }

    [Fact]
    public void CocoPanopticSampleMapsVoidToIgnoreAndOrdersThingsFirst()
    {
        var root = SharedData.Require("samples/coco_panoptic");
        if (root is null) return;
        var json = Path.Combine(root, "panoptic_examples.json");
        var set = TrainingDataset.Open($"coco-panoptic:{json}");
        set.Validate();
        Assert.Equal(2, set.Count);
        Assert.EndsWith(Path.Combine("input_images", "000000142238.jpg"), set.ImagePath(0));
        var categories = CocoPanopticDataset.Load(json).Categories;
        var thingCount = categories.Count(c => c.IsThing);
        Assert.Equal(categories.Count, set.Classes.Count);
        Assert.All(set.Classes.Take(thingCount), c => Assert.True(c.IsThing));
        Assert.All(set.Classes.Skip(thingCount), c => Assert.False(c.IsThing));
        var sample = set.Load(0);
        Assert.Equal(2712, sample.Labels.Count(v => v == 255)); // void pixels of 142238, counted independently in CocoPanopticDatasetTests
        var map = PanopticSegmentMap.Read(Path.Combine(root, "panoptic_examples", "000000142238.png"));
        var annotation = CocoPanopticDataset.Load(json).Annotations[0];
        Assert.Equal(annotation.Segments.Count, sample.Instances.Count);
        for (var k = 0; k < annotation.Segments.Count; k++)
        {
            var segment = annotation.Segments[k];
            var instance = sample.Instances[k];
            Assert.Equal(segment.Area, instance.Mask.Count(v => v != 0));
            Assert.Equal(set.Classes.Select(c => c.Name).ToList().IndexOf(categories.First(c => c.Id == segment.CategoryId).Name), instance.ClassId);
            Assert.Equal(segment.IsCrowd, instance.IsCrowd);
            var firstPixel = Array.IndexOf(map.Ids, segment.Id);
            Assert.Equal(instance.ClassId, sample.Labels[firstPixel]);
        }
    }

    [Theory]
    [InlineData("samples/ade20k", 150, 3)]
    [InlineData("samples/voc", 21, 3)]
    [InlineData("samples/cityscapes", 19, 1)]
    public void RealSemanticSamplesOpenAndValidate(string relative, int classes, int count)
    {
        var root = SharedData.Require(relative);
        if (root is null) return;
        var set = TrainingDataset.Open($"semantic:{root}");
        set.Validate();
        Assert.Equal((classes, count), (set.Classes.Count, set.Count));
        var sample = set.Load(0);
        Assert.Equal(sample.Image.Width * sample.Image.Height, sample.Labels.Length);
        Assert.All(sample.Labels, v => Assert.True(v < classes || v == 255));
        Assert.Equal(sample.Labels.Length - sample.Labels.Count(v => v == 255), sample.Instances.Sum(i => i.Mask.Count(v => v != 0)));
    }

    [Fact]
    public void ValidationNamesEveryBrokenFile()
    {
        using var copy = new TempFolder();
        CopyTree(Path.Combine(synth.Root, "train"), copy.Path);
        File.Copy(Path.Combine(synth.Root, "classes.txt"), Path.Combine(copy.Path, "classes.txt"));
        var truncatedPng = Path.Combine(copy.Path, "panoptic", "000003.png");
        var bytes = File.ReadAllBytes(truncatedPng);
        File.WriteAllBytes(truncatedPng, bytes[..(bytes.Length / 2)]);
        var brokenImage = Path.Combine(copy.Path, "images", "000007.png");
        File.WriteAllText(brokenImage, "not an image");
        var e = Assert.Throws<TrainingDataValidationException>(() => TrainingDataset.Open($"coco-panoptic:{copy.Path}").Validate());
        Assert.Equal([truncatedPng, brokenImage], e.Problems.Select(p => p.FileName));
        Assert.Contains(truncatedPng, e.Message);
        Assert.Contains(brokenImage, e.Message);

        // A label value beyond the class list is named with the pixel and the file.
        var badLabels = Path.Combine(copy.Path, "semantic", "000002.png");
        var labels = PngDecoder.Decode(badLabels).Samples.Select(v => (byte)v).ToArray();
        labels[5] = 9;
        PngEncoder.Write(badLabels, PngImage.FromGray8(64, 64, labels));
        var semantic = Assert.Throws<TrainingDataValidationException>(() => TrainingDataset.Open($"semantic:{copy.Path}").Validate());
        Assert.Contains(badLabels, semantic.Problems.Select(p => p.FileName));
        Assert.Contains(semantic.Problems, p => p.Problem.Contains("label 9"));
    }

    [Fact]
    public void CocoInstancesCrowdRegionsAreFlaggedAndIgnoredInTheLabels()
    {
        using var folder = new TempFolder();
        PngEncoder.Write(folder.File("images/a.png"), PngImage.FromRgb8(4, 3, new byte[36]));
        // RLE counts run down columns: [3, 3, 6] covers column 1, [9, 3] covers column 3 of a 4x3 image.
        var json = folder.File("instances.json", """
            {"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 3}],
             "categories": [{"id": 7, "name": "cat"}, {"id": 9, "name": "dog"}],
             "annotations": [
               {"id": 1, "image_id": 1, "category_id": 9, "segmentation": {"size": [3, 4], "counts": [3, 3, 6]}, "area": 3, "iscrowd": 0, "bbox": [1, 0, 1, 3]},
               {"id": 2, "image_id": 1, "category_id": 7, "segmentation": {"size": [3, 4], "counts": [9, 3]}, "area": 3, "iscrowd": 1, "bbox": [3, 0, 1, 3]}]}
            """);
        var set = TrainingDataset.Open($"coco-instances:{json}");
        set.Validate();
        Assert.Equal([new TrainingClass("cat", true, 7), new TrainingClass("dog", true, 9)], set.Classes);
        var sample = set.Load(0);
        Assert.Equal([255, 1, 255, 255, 255, 1, 255, 255, 255, 1, 255, 255], sample.Labels.Select(v => (int)v));
        Assert.Equal([(1, false), (0, true)], sample.Instances.Select(i => (i.ClassId, i.IsCrowd)));
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], sample.Instances[1].Mask.Select(v => (int)v));
    }

    [Fact]
    public void AnImageOfTheWrongSizeIsReported()
    {
        using var copy = new TempFolder();
        CopyTree(Path.Combine(synth.Root, "train"), copy.Path);
        var image = Path.Combine(copy.Path, "images", "000004.png");
        PngEncoder.Write(image, PngImage.FromRgb8(32, 32, new byte[32 * 32 * 3]));
        foreach (var spec in new[] { "coco-panoptic", "coco-instances" })
        {
            var e = Assert.Throws<TrainingDataValidationException>(() => TrainingDataset.Open($"{spec}:{copy.Path}").Validate());
            var problem = Assert.Single(e.Problems);
            Assert.Equal(image, problem.FileName);
            Assert.Contains("is 32x32 but", problem.Problem);
        }
    }

    [Fact]
    public void BadSpecsAndMissingImagesFailOnOpen()
    {
        Assert.Contains("unknown dataset format", Assert.Throws<DataFileException>(() => TrainingDataset.Open("pascal:/x")).Problem);
        Assert.Contains("synth --out", Assert.Throws<DataFileException>(() => TrainingDataset.Open($"synth:{synth.Root}", split: "test")).Problem);
        using var copy = new TempFolder();
        File.Copy(Path.Combine(synth.Root, "train", "instances.json"), Path.Combine(copy.Path, "instances.json"));
        var e = Assert.Throws<DataFileException>(() => TrainingDataset.Open($"coco-instances:{copy.Path}"));
        Assert.Contains("cannot find the images", e.Problem);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
