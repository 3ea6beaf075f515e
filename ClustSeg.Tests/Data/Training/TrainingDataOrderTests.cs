using ClustSeg.Runtime.Data.Training;

namespace ClustSeg.Tests.Data.Training;

public sealed class TrainingDataOrderTests(SynthFixture synth) : IClassFixture<SynthFixture>
{
    [Fact]
    public void EachEpochIsAPermutationAndEpochsDiffer()
    {
        var order = new TrainingDataOrder(50, seed: 9);
        var first = order.Epoch(0).ToArray();
        var second = order.Epoch(1).ToArray();
        Assert.Equal(Enumerable.Range(0, 50), first.Order());
        Assert.Equal(Enumerable.Range(0, 50), second.Order());
        Assert.NotEqual(first, second);
        Assert.Equal(first, new TrainingDataOrder(50, seed: 9).Epoch(0));
        Assert.NotEqual(first, new TrainingDataOrder(50, seed: 10).Epoch(0));
        Assert.Equal(Enumerable.Range(0, 50), new TrainingDataOrder(50, 9, shuffle: false).Epoch(3));
    }

    [Fact]
    public void TakingCrossesEpochsAndTheCursorResumesExactly()
    {
        var order = new TrainingDataOrder(5, seed: 1);
        var (items, next) = order.Take(new TrainingDataCursor(1, 0, 3), 4);
        Assert.Equal(new TrainingDataCursor(1, 1, 2), next);
        Assert.Equal(order.Epoch(0)[3..].Concat(order.Epoch(1)[..2]), items.Select(i => i.Sample));
        var (all, _) = order.Take(new TrainingDataCursor(1), 12);
        var (firstHalf, middle) = order.Take(new TrainingDataCursor(1), 7);
        var (secondHalf, _) = order.Take(middle, 5);
        Assert.Equal(all, firstHalf.Concat(secondHalf));
        Assert.Equal(12, all.Select(i => i.AugmentationSeed).Distinct().Count());
    }

    [Fact]
    public void AResumedLoaderProducesTheSameBatches()
    {
        var dataset = TrainingDataset.Open($"synth:{synth.Root}");
        var augmentation = new TrainingAugmentation { CropWidth = 48, CropHeight = 48 };
        var loader = new TrainingDataLoader(dataset, augmentation, batchSize: 4, new TrainingDataCursor(7));
        var batches = Enumerable.Range(0, 7).Select(_ => loader.NextBatch()).ToList(); // 28 samples: crosses into epoch 1
        Assert.Equal(new TrainingDataCursor(7, 1, 7), loader.Cursor);
        Assert.All(batches, b => Assert.Equal((4, 64, 64), (b.Count, b.Width, b.Height)));

        var replay = new TrainingDataLoader(dataset, augmentation, 4, new TrainingDataCursor(7));
        replay.NextBatch();
        replay.NextBatch();
        var resumed = new TrainingDataLoader(dataset, augmentation, 4, replay.Cursor, prefetch: true);
        for (var k = 2; k < 7; k++)
        {
            var b = resumed.NextBatch();
            Assert.Equal(batches[k].Ids, b.Ids);
            Assert.Equal(batches[k].Images, b.Images);
            Assert.Equal(batches[k].Labels, b.Labels);
            Assert.Equal(batches[k].Instances.Select(i => i.Count), b.Instances.Select(i => i.Count));
            Assert.Equal(new TrainingDataCursor(7, (k + 1) * 4 / 21, (k + 1) * 4 - (k + 1) * 4 / 21 * 21), resumed.Cursor);
        }
        // Padding beyond the 48x48 crop: labels ignore, images 0.
        var first = batches[0];
        Assert.Equal(255, first.Labels[50]);
        Assert.Equal(0f, first.Images[50]);
    }
}
