using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Data.Synthetic;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Imaging.Png;

namespace ClustSeg.Tests.Data;

public sealed class SyntheticDatasetTests(SynthFixture synth) : IClassFixture<SynthFixture>
{
    [Fact]
    public void SameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot()
    {
        using var again = new TempFolder();
        using var other = new TempFolder();
        SyntheticDataset.Generate(again.Path, new SyntheticDatasetOptions(30, 64, Seed: 5, ValFraction: 0.3));
        SyntheticDataset.Generate(other.Path, new SyntheticDatasetOptions(30, 64, Seed: 6, ValFraction: 0.3));
        var files = Directory.EnumerateFiles(synth.Root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(synth.Root, f)).Order().ToList();
        Assert.Equal(1 + 2 * 2 + 3 * 30, files.Count); // classes.txt, two JSONs per split, three PNGs per image
        Assert.Equal(files, Directory.EnumerateFiles(again.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(again.Path, f)).Order());
        foreach (var file in files)
            Assert.True(File.ReadAllBytes(Path.Combine(synth.Root, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(again.Path, file))), file);
        var differing = files.Count(f => f.Contains("images") && !File.ReadAllBytes(Path.Combine(synth.Root, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(other.Path, f))));
        Assert.Equal(30, differing);
    }

    [Fact]
    public void SplitsAndCategoriesFollowTheDocumentedLayout()
    {
        Assert.Equal((21, 9), (synth.Summary.TrainImages, synth.Summary.ValImages));
        var train = CocoPanopticDataset.Load(Path.Combine(synth.Root, "train", "panoptic.json"));
        var val = CocoPanopticDataset.Load(Path.Combine(synth.Root, "val", "panoptic.json"));
        Assert.Equal(Enumerable.Range(1, 21).Select(i => (long)i), train.Images.Select(i => i.Id));
        Assert.Equal(Enumerable.Range(22, 9).Select(i => (long)i), val.Images.Select(i => i.Id));
        // Things first, then stuff; category id = class id + 1.
        Assert.Equal([true, true, true, true, false, false, false], train.Categories.Select(c => c.IsThing));
        Assert.Equal(["disc", "rectangle", "triangle", "ring", "sky", "grass", "water"], train.Categories.Select(c => c.Name));
        Assert.Equal(Enumerable.Range(1, 7), train.Categories.Select(c => c.Id));
        Assert.Equal(train.Categories.Select(c => c.Name), File.ReadAllLines(Path.Combine(synth.Root, "classes.txt")));
        train.Validate();
        val.Validate();
    }

    [Fact]
    public void TheThreeFormatsDescribeTheSameScenes()
    {
        var classesSeen = new HashSet<int>();
        var imagesWithSeveralThings = 0;
        foreach (var split in SyntheticDataset.Splits)
        {
            var folder = Path.Combine(synth.Root, split);
            var panoptic = CocoPanopticDataset.Load(Path.Combine(folder, "panoptic.json"));
            var instances = CocoInstancesDataset.Load(Path.Combine(folder, "instances.json"));
            Assert.Equal([1, 2, 3, 4], instances.Categories.Select(c => c.Id));
            foreach (var annotation in panoptic.Annotations)
            {
                var map = panoptic.ReadSegmentMap(annotation);
                var image = PngDecoder.Decode(Path.Combine(folder, "images", annotation.FileName));
                Assert.Equal((64, 64, PngColorType.Rgb), (image.Width, image.Height, image.ColorType));
                var labels = SemanticLabelFolder.ReadLabels(Path.Combine(folder, "semantic", annotation.FileName), 7, SemanticLabelEncoding.Identity);
                var category = annotation.Segments.ToDictionary(s => s.Id, s => s.CategoryId);
                for (var i = 0; i < map.Ids.Length; i++)
                {
                    Assert.NotEqual(0, map.Ids[i]); // no void in generated scenes
                    Assert.Equal(category[map.Ids[i]] - 1, labels.Labels[i]);
                }
                var things = annotation.Segments.Where(s => s.CategoryId <= 4).ToList();
                var stuff = annotation.Segments.Where(s => s.CategoryId > 4).ToList();
                Assert.Equal(stuff.Select(s => s.CategoryId).Distinct().Count(), stuff.Count); // one segment per stuff class
                if (things.Count >= 2) imagesWithSeveralThings++;
                foreach (var s in annotation.Segments) classesSeen.Add(s.CategoryId - 1);
                var imageInstances = instances.Annotations.Where(a => a.ImageId == annotation.ImageId).ToList();
                Assert.Equal(things.Select(s => s.CategoryId), imageInstances.Select(a => a.CategoryId));
                for (var k = 0; k < things.Count; k++)
                {
                    var expected = map.Ids.Select(id => id == things[k].Id ? (byte)1 : (byte)0).ToArray();
                    Assert.Equal(expected, instances.GetMask(imageInstances[k]).Decode());
                    Assert.Equal(things[k].Area, (long)imageInstances[k].Area);
                    Assert.False(imageInstances[k].IsCrowd);
                }
            }
        }
        Assert.Equal(Enumerable.Range(0, 7), classesSeen.Order());
        Assert.True(imagesWithSeveralThings >= 10, $"only {imagesWithSeveralThings} images have two or more things");
    }

    [Fact]
    public void ShapesOccludeEachOtherAndTinyRemnantsAreRemoved()
    {
        var panoptic = CocoPanopticDataset.Load(Path.Combine(synth.Root, "train", "panoptic.json"));
        Assert.All(panoptic.Annotations.SelectMany(a => a.Segments).Where(s => s.CategoryId <= 4),
            s => Assert.True(s.Area >= SyntheticSceneRenderer.MinimumThingArea(64)));
        var scenes = Enumerable.Range(0, 30).Select(i => SyntheticSceneRenderer.Render(64, TrainingRandom.Derive(5, i))).ToList();
        Assert.True(scenes.Count(s => s.OccludedPixels > 0) >= 5, "too few scenes with overlapping shapes");
        // The scenes are the ones written: image i of the fixture is scene i.
        var first = SemanticLabelFolder.ReadLabels(Path.Combine(synth.Root, "train", "semantic", "000001.png"), 7, SemanticLabelEncoding.Identity);
        Assert.Equal(scenes[0].Classes, first.Labels);
    }
}
