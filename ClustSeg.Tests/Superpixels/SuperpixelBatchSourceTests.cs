using ClustSeg.Runtime.Data.Bsds;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Segmentation;
using ClustSeg.Runtime.Superpixels;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Superpixels;

public sealed class SuperpixelBatchSourceTests
{
    private static readonly SuperpixelTrainingSettings Settings = new() { CropSize = 64 };

    [Fact]
    public void SourceRebuiltFromASavedCursorYieldsTheSameBatches()
    {
        var dir = SharedData.Require("bsds500");
        if (dir is null) return;
        var samples = Bsds500Dataset.Open(dir).ListSamples("train").Take(5).ToList();
        var first = new SuperpixelBatchSource(samples, Settings, new TrainingDataCursor(42));
        var run = Enumerable.Range(0, 7).Select(_ => first.Next()).ToList(); // crosses into the second epoch
        Assert.Equal(new TrainingDataCursor(42, 1, 2), first.Cursor);

        var again = new SuperpixelBatchSource(samples, Settings, new TrainingDataCursor(42));
        var resumed = new SuperpixelBatchSource(samples, Settings, new TrainingDataCursor(42, 0, 4));
        AssertSame(run[0], again.Next());
        AssertSame(run[4], resumed.Next());
        AssertSame(run[5], resumed.Next());
        // Different positions differ (images, crops or superpixel counts).
        Assert.NotEqual(run[0].LabXy, run[1].LabXy);
        Assert.Equal(5, first.SamplesPerEpoch);
    }

    [Fact]
    public void BatchesHoldContiguousLabelsAndASuperpixelCountScaledToTheCrop()
    {
        // 100x80 image; ground truth in 10x10 blocks, so any 64x64 crop (clamped to 64x64) sees 7 or 8 blocks each way.
        const int w = 100, h = 80;
        var pixels = new byte[3 * w * h];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7 % 251);
        var truth = new LabelMap(w, h, Enumerable.Range(0, w * h).Select(i => i % w / 10 + 100 * (i / w / 10)).ToArray());
        var sample = new Bsds500Sample(new Bsds500SampleInfo("blocks", "train", "blocks.jpg", null), new RgbImage(w, h, pixels), [truth, truth]);
        var scale = 64.0 * 64 / SuperpixelBatchSource.ReferenceArea;
        for (ulong seed = 0; seed < 20; seed++)
        {
            var batch = SuperpixelBatchSource.Make(sample, new TrainingRandom(seed), Settings);
            Assert.Equal((64, 64), (batch.Height, batch.Width));
            Assert.Equal(Enumerable.Range(0, batch.LabelCount), batch.Labels.Distinct().Order());
            Assert.InRange(batch.LabelCount, 49, 64);
            Assert.InRange(batch.Superpixels, (int)Math.Round(100 * scale), (int)Math.Round(1200 * scale));
            Assert.Equal(SuperpixelGrid.For((int)Math.Round(batch.Superpixels / 1.2), 64, 64), batch.Grid);
            Assert.Equal(5 * 64 * 64, batch.LabXy.Length);
        }
    }

    private static void AssertSame(SuperpixelBatch expected, SuperpixelBatch actual)
    {
        Assert.Equal(expected.SampleId, actual.SampleId);
        Assert.Equal(expected.Superpixels, actual.Superpixels);
        Assert.Equal(expected.Grid, actual.Grid);
        Assert.Equal(expected.LabelCount, actual.LabelCount);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.LabXy, actual.LabXy);
    }
}
