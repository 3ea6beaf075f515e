using ClustSeg.Runtime.Data.Training;

namespace ClustSeg.Tests.Data.Training;

public sealed class CopyPasteAugmentationTests(SynthFixture synth) : IClassFixture<SynthFixture>
{
    private const int Size = 6;
    private const byte Disc = 0, Square = 1, Sky = 2;
    private static readonly TrainingClass[] Classes = [new("disc", true, 1), new("square", true, 2), new("sky", false, 3)];

    private static byte[] Mask(Func<int, int, bool> inside)
    {
        var mask = new byte[Size * Size];
        for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
                if (inside(x, y)) mask[y * Size + x] = 1;
        return mask;
    }

    // Every pixel of every channel holds `value`, so a pasted pixel is told apart by its value.
    private static AugmentedSample Sample(string id, float value, IReadOnlyList<TrainingInstance> instances, int validWidth = Size, int validHeight = Size)
    {
        var image = Enumerable.Repeat(value, 3 * Size * Size).ToArray();
        var labels = new byte[Size * Size];
        Array.Fill(labels, TrainingDataset.IgnoreLabel);
        foreach (var instance in instances)
            for (var i = 0; i < labels.Length; i++)
                if (instance.Mask[i] != 0) labels[i] = (byte)instance.ClassId;
        return new AugmentedSample(id, Size, Size, image, labels, instances, validWidth, validHeight, 1, false, 0, 0);
    }

    // The sample: sky everywhere but a disc in columns 0-1 and a one-pixel square at (5, 5).
    private static AugmentedSample Target(int validWidth = Size) => Sample("target", 1f,
    [
        new TrainingInstance(Sky, false, Mask((x, y) => x >= 2 && (x, y) != (5, 5))),
        new TrainingInstance(Disc, false, Mask((x, _) => x < 2)),
        new TrainingInstance(Square, false, Mask((x, y) => (x, y) == (5, 5))),
    ], validWidth);

    // The donor: a square over rows 0-1 that also covers the target's one-pixel square, a crowd disc and sky.
    private static AugmentedSample Donor() => Sample("donor", -1f,
    [
        new TrainingInstance(Square, false, Mask((x, y) => y < 2 || (x, y) == (5, 5))),
        new TrainingInstance(Disc, true, Mask((x, y) => y == 3)),
        new TrainingInstance(Sky, false, Mask((x, y) => y >= 2 && y != 3 && (x, y) != (5, 5))),
    ]);

    private static AugmentedSample FirstPasted(AugmentedSample target, AugmentedSample donor) =>
        Enumerable.Range(0, 64).Select(seed => new CopyPasteAugmentation().Apply(target, donor, Classes, new TrainingRandom((ulong)seed)))
            .First(result => !ReferenceEquals(result, target));

    [Fact]
    public void PastedThingsBringTheirPixelsClassAndMaskAndCoverWhatWasThere()
    {
        var target = Target();
        var result = FirstPasted(target, Donor());
        var covered = Mask((x, y) => y < 2 || (x, y) == (5, 5));
        for (var i = 0; i < Size * Size; i++)
        {
            var pasted = covered[i] != 0;
            Assert.Equal(pasted ? Square : target.Labels[i], result.Labels[i]);
            for (var c = 0; c < 3; c++) Assert.Equal(pasted ? -1f : 1f, result.Image[c * Size * Size + i]);
        }
        var sky = result.Instances.Single(i => i.ClassId == Sky);
        var disc = result.Instances.Single(i => i.ClassId == Disc);
        Assert.Equal(Mask((x, y) => x >= 2 && y >= 2 && (x, y) != (5, 5)), sky.Mask);
        Assert.Equal(Mask((x, y) => x < 2 && y >= 2), disc.Mask);
        // The target's one-pixel square was covered whole, so it is gone; the pasted square is the only one left.
        var square = Assert.Single(result.Instances, i => i.ClassId == Square);
        Assert.Equal(covered, square.Mask);
        Assert.Equal(3, result.Instances.Count);
        // The input is not modified.
        Assert.All(target.Image, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void StuffAndCrowdRegionsAreNeverPasted()
    {
        var target = Target();
        for (var seed = 0; seed < 64; seed++)
        {
            var result = new CopyPasteAugmentation().Apply(target, Donor(), Classes, new TrainingRandom((ulong)seed));
            Assert.All(Enumerable.Range(3 * Size, Size), i => Assert.Equal(target.Labels[i], result.Labels[i])); // the crowd row
            Assert.DoesNotContain(result.Instances, i => i.IsCrowd);
            Assert.Single(result.Instances, i => i.ClassId == Sky);
        }
    }

    [Fact]
    public void NothingIsPastedIntoThePadding()
    {
        var target = Target(validWidth: 4);
        var result = FirstPasted(target, Donor());
        Assert.Equal(Mask((x, y) => y < 2 && x < 4), result.Instances[^1].Mask); // pasted things come last
        for (var y = 0; y < Size; y++)
            for (var x = 4; x < Size; x++)
            {
                Assert.Equal(target.Labels[y * Size + x], result.Labels[y * Size + x]);
                Assert.Equal(1f, result.Image[y * Size + x]);
            }
        // The target's own square at (5, 5) lies in the padding, where nothing landed: it stays.
        Assert.Equal(2, result.Instances.Count(i => i.ClassId == Square));
    }

    [Fact]
    public void ADonorWithoutThingsChangesNothing()
    {
        var target = Target();
        var donor = Sample("donor", -1f, [new TrainingInstance(Sky, false, Mask((_, _) => true))]);
        for (var seed = 0; seed < 16; seed++)
            Assert.Same(target, new CopyPasteAugmentation().Apply(target, donor, Classes, new TrainingRandom((ulong)seed)));
    }

    [Theory]
    [InlineData(0.5, true)]
    [InlineData(1, true)]
    [InlineData(0, false)]
    [InlineData(1.5, false)]
    [InlineData(double.NaN, false)]
    public void OnlyAChanceInZeroToOneIsValid(double probability, bool valid) =>
        Assert.Equal(valid, CopyPasteAugmentation.IsValidProbability(probability));

    [Fact]
    public void TheLoaderPastesReproduciblyAndLeavesTheSamplesOwnAugmentation()
    {
        var dataset = TrainingDataset.Open($"synth:{synth.Root}");
        var augmentation = new TrainingAugmentation { CropWidth = 64, CropHeight = 64 };
        var copyPaste = new CopyPasteAugmentation { Probability = 1 };
        List<TrainingBatch> Batches(CopyPasteAugmentation? paste, bool prefetch)
        {
            var loader = new TrainingDataLoader(dataset, augmentation, 3, new TrainingDataCursor(4), prefetch: prefetch, copyPaste: paste);
            return Enumerable.Range(0, 4).Select(_ => loader.NextBatch()).ToList();
        }
        var plain = Batches(null, prefetch: false);
        var pasted = Batches(copyPaste, prefetch: false);
        var again = Batches(copyPaste, prefetch: true);
        for (var b = 0; b < plain.Count; b++)
        {
            Assert.Equal(plain[b].Ids, pasted[b].Ids);
            Assert.Equal(pasted[b].Images, again[b].Images);
            Assert.Equal(pasted[b].Labels, again[b].Labels);
            Assert.Equal(pasted[b].Instances.Select(i => i.Count), again[b].Instances.Select(i => i.Count));
        }
        // Every pixel either kept the plain sample's value or took a thing class; some took one.
        var thingIds = dataset.ThingClassIds.ToHashSet();
        var changed = 0;
        for (var b = 0; b < plain.Count; b++)
            for (var i = 0; i < plain[b].Labels.Length; i++)
            {
                if (plain[b].Labels[i] == pasted[b].Labels[i]) continue;
                Assert.Contains(pasted[b].Labels[i], thingIds);
                changed++;
            }
        Assert.True(changed > 0, "probability 1 pasted nothing in 12 samples");
        Assert.True(pasted.Sum(b => b.Instances.Sum(i => i.Count)) > plain.Sum(b => b.Instances.Sum(i => i.Count)));
    }
}
