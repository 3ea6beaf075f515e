using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Imaging;

namespace ClustSeg.Tests.Data.Training;

public sealed class TrainingAugmentationTests
{
    // A 6x4 image whose pixel (x, y) has R = 10x + y, G = 100 + y, B = 200; labels x + 10y (x = 3: ignore).
    private static TrainingSample Sample()
    {
        const int w = 6, h = 4;
        var rgb = new byte[w * h * 3];
        var labels = new byte[w * h];
        var mask = new byte[w * h];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var i = y * w + x;
                (rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]) = ((byte)(10 * x + y), (byte)(100 + y), 200);
                labels[i] = x == 3 ? (byte)255 : (byte)(x + 10 * y);
                mask[i] = x == 0 ? (byte)1 : (byte)0;
            }
        return new TrainingSample("s", new RgbImage(w, h, rgb), labels, [new TrainingInstance(2, false, mask)]);
    }

    private static float Normalised(byte value, int channel) =>
        (float)((value / 255.0 - TrainingAugmentation.Mean[channel]) / TrainingAugmentation.StandardDeviation[channel]);

    [Fact]
    public void NoneOnlyNormalises()
    {
        var sample = Sample();
        var result = TrainingAugmentation.None.Apply(sample, new TrainingRandom(1));
        Assert.Equal((6, 4, 6, 4, false), (result.Width, result.Height, result.ValidWidth, result.ValidHeight, result.Flipped));
        Assert.Equal(sample.Labels, result.Labels);
        for (var c = 0; c < 3; c++)
            for (var i = 0; i < 24; i++)
                Assert.Equal(Normalised(sample.Image.Pixels[3 * i + c], c), result.Image[c * 24 + i], 5);
    }

    [Fact]
    public void FlipMirrorsImageLabelsAndMasks()
    {
        var sample = Sample();
        var flip = new TrainingAugmentation { MinScale = 1, MaxScale = 1 };
        var flipped = Enumerable.Range(0, 20).Select(s => flip.Apply(sample, new TrainingRandom((ulong)s))).ToList();
        Assert.Contains(flipped, r => r.Flipped);
        Assert.Contains(flipped, r => !r.Flipped);
        var result = flipped.First(r => r.Flipped);
        for (var y = 0; y < 4; y++)
            for (var x = 0; x < 6; x++)
            {
                Assert.Equal(sample.Labels[y * 6 + 5 - x], result.Labels[y * 6 + x]);
                Assert.Equal(Normalised((byte)(10 * (5 - x) + y), 0), result.Image[y * 6 + x], 5);
            }
        Assert.Equal(1, Assert.Single(result.Instances).Mask[5]); // column 0 became column 5
    }

    [Fact]
    public void DoublingUsesNearestLabelsAndBilinearPixels()
    {
        var sample = Sample();
        var result = new TrainingAugmentation { MinScale = 2, MaxScale = 2, Flip = false }.Apply(sample, new TrainingRandom(3));
        Assert.Equal((12, 8), (result.Width, result.Height));
        for (var y = 0; y < 8; y++)
            for (var x = 0; x < 12; x++)
                Assert.Equal(sample.Labels[y / 2 * 6 + x / 2], result.Labels[y * 12 + x]);
        // Output x = 3 sits at source x = (3 + 0.5) / 2 - 0.5 = 1.25, so R = 10 * 1.25 + source y; y = 0 clamps to row 0.
        Assert.Equal(Normalised(0, 0) + (float)(12.5 / 255 / TrainingAugmentation.StandardDeviation[0]), result.Image[3], 4);
        Assert.Equal(16, result.Instances[0].Mask.Count(v => v != 0)); // column 0 became columns 0 and 1 of 8 rows
    }

    [Fact]
    public void CropsInsideAndPadsOutsideTheScaledImage()
    {
        var sample = Sample();
        var crop = new TrainingAugmentation { MinScale = 1, MaxScale = 1, Flip = false, CropWidth = 3, CropHeight = 2 };
        var offsets = new HashSet<(int, int)>();
        for (ulong seed = 0; seed < 200; seed++)
        {
            var r = crop.Apply(sample, new TrainingRandom(seed));
            offsets.Add((r.OffsetX, r.OffsetY));
            for (var y = 0; y < 2; y++)
                for (var x = 0; x < 3; x++)
                    Assert.Equal(sample.Labels[(y + r.OffsetY) * 6 + x + r.OffsetX], r.Labels[y * 3 + x]);
            Assert.Equal(r.OffsetX == 0 ? 1 : 0, r.Instances.Count); // the mask in column 0 survives only crops that keep it
        }
        Assert.Equal(4 * 3, offsets.Count); // every offset 0..3 x 0..2 occurs

        var padded = new TrainingAugmentation { MinScale = 1, MaxScale = 1, Flip = false, CropWidth = 8, CropHeight = 5 }.Apply(sample, new TrainingRandom(0));
        Assert.Equal((8, 5, 6, 4), (padded.Width, padded.Height, padded.ValidWidth, padded.ValidHeight));
        Assert.Equal(255, padded.Labels[7]);
        Assert.Equal(255, padded.Labels[4 * 8]);
        Assert.Equal(0f, padded.Image[7]);
        Assert.Equal(sample.Labels[1 * 6 + 2], padded.Labels[1 * 8 + 2]);
    }

    [Fact]
    public void TheSameSeedGivesTheSameResult()
    {
        var sample = Sample();
        var augmentation = new TrainingAugmentation { CropWidth = 5, CropHeight = 5 };
        var a = augmentation.Apply(sample, new TrainingRandom(42));
        var b = augmentation.Apply(sample, new TrainingRandom(42));
        Assert.Equal((a.Scale, a.Flipped, a.OffsetX, a.OffsetY), (b.Scale, b.Flipped, b.OffsetX, b.OffsetY));
        Assert.Equal(a.Image, b.Image);
        Assert.Equal(a.Labels, b.Labels);
        var scales = Enumerable.Range(0, 200).Select(s => augmentation.Apply(sample, new TrainingRandom((ulong)s)).Scale).ToList();
        Assert.InRange(scales.Min(), 0.5, 0.6);
        Assert.InRange(scales.Max(), 1.9, 2.0);
    }

    [Fact]
    public void BatchesPadToMultiplesOf32()
    {
        var small = new AugmentedSample("a", 3, 2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], [0, 1, 2, 3, 4, 5],
            [new TrainingInstance(1, true, [1, 0, 0, 0, 0, 1])], 3, 2, 1, false, 0, 0);
        var wide = new AugmentedSample("b", 33, 1, new float[99], new byte[33], [], 33, 1, 1, false, 0, 0);
        var batch = TrainingBatch.Collate([small, wide]);
        Assert.Equal((2, 64, 32), (batch.Count, batch.Width, batch.Height));
        var plane = 64 * 32;
        Assert.Equal(2 * 3 * plane, batch.Images.Length);
        Assert.Equal(1f, batch.Images[0]);
        Assert.Equal(3f, batch.Images[2]);
        Assert.Equal(0f, batch.Images[3]);
        Assert.Equal(4f, batch.Images[64]); // second row
        Assert.Equal(7f, batch.Images[plane]); // green plane
        Assert.Equal(2, batch.Labels[2]);
        Assert.Equal(255, batch.Labels[3]);
        Assert.Equal(3, batch.Labels[64]);
        Assert.Equal(255, batch.Labels[2 * 64]);
        Assert.Equal(0, batch.Labels[plane + 32]); // second sample's content
        Assert.Equal(255, batch.Labels[plane + 33]);
        var mask = Assert.Single(batch.Instances[0]).Mask;
        Assert.Equal(plane, mask.Length);
        Assert.Equal([0, 64 + 2], Enumerable.Range(0, plane).Where(i => mask[i] != 0));
        Assert.Equal([(3, 2), (33, 1)], batch.ValidSizes);
    }
}
