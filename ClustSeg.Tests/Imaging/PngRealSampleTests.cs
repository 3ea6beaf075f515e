using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Imaging;

/// <summary>
/// Decodes the real label and image PNGs in shared/data/samples. Expected statistics were computed independently
/// with a small Python zlib-based decoder: min, max, sum, a position-weighted sum (sum of (i mod 9973 + 1) * v over
/// the flat sample index i), and the number of distinct values for single-channel files.
/// </summary>
public class PngRealSampleTests
{
    public static TheoryData<string, int, int, int, int, long, long, long, int> Samples() => new()
    {
        { "samples/ade20k/annotations/ADE_val_00000001.png", 683, 512, 8, 1, 0, 18, 1432183, 8 },
        { "samples/ade20k/annotations/ADE_val_00000002.png", 500, 364, 8, 1, 0, 18, 481203, 7 },
        { "samples/ade20k/annotations/ADE_val_00000003.png", 400, 300, 8, 1, 0, 103, 2684688, 13 },
        { "samples/cityscapes/frankfurt_000000_000294_gtFine_instanceIds.png", 256, 128, 16, 1, 1, 26002, 49698407, 19 },
        { "samples/cityscapes/frankfurt_000000_000294_gtFine_labelIds.png", 256, 128, 8, 1, 1, 26, 324267, 14 },
        { "samples/cityscapes/frankfurt_000000_000294_gtFine_labelTrainIds.png", 256, 128, 8, 1, 0, 255, 1053874, 11 },
        { "samples/cityscapes/frankfurt_000000_000294_leftImg8bit.png", 256, 128, 8, 3, 0, 255, 8843901, -1 },
        { "samples/coco_panoptic/panoptic_examples/000000142238.png", 640, 427, 8, 3, 0, 255, 98207101, -1 },
        { "samples/coco_panoptic/panoptic_examples/000000439180.png", 640, 360, 8, 3, 0, 255, 86496673, -1 },
        { "samples/voc/114_image.png", 513, 513, 8, 3, 8, 205, 129855940, -1 },
        { "samples/voc/114_target_index.png", 513, 513, 8, 1, 0, 255, 2189268, 3 },
        { "samples/voc/1_target_index.png", 513, 513, 8, 1, 0, 255, 3242662, 3 },
        { "samples/voc/23_target_index.png", 513, 513, 8, 1, 0, 255, 3359574, 3 },
    };

    private static readonly Dictionary<string, long> WeightedSums = new()
    {
        ["ADE_val_00000001.png"] = 7179991219,
        ["ADE_val_00000002.png"] = 2389175282,
        ["ADE_val_00000003.png"] = 13310135587,
        ["frankfurt_000000_000294_gtFine_instanceIds.png"] = 203999641180,
        ["frankfurt_000000_000294_gtFine_labelIds.png"] = 1521524284,
        ["frankfurt_000000_000294_gtFine_labelTrainIds.png"] = 3038226513,
        ["frankfurt_000000_000294_leftImg8bit.png"] = 43003755489,
        ["000000142238.png"] = 489072669972,
        ["000000439180.png"] = 430023590492,
        ["114_image.png"] = 646676301631,
        ["114_target_index.png"] = 10784428890,
        ["1_target_index.png"] = 16378718810,
        ["23_target_index.png"] = 16588715651,
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void DecodesRealFile(string relative, int width, int height, int depth, int channels, long min, long max, long sum, int distinct)
    {
        var path = SharedData.Require(relative);
        if (path is null) return;
        var image = PngDecoder.Decode(path);
        Assert.Equal((width, height, depth, channels), (image.Width, image.Height, image.BitDepth, image.Channels));
        var samples = image.Samples;
        Assert.Equal(min, samples.Min(v => (long)v));
        Assert.Equal(max, samples.Max(v => (long)v));
        Assert.Equal(sum, samples.Sum(v => (long)v));
        long weighted = 0;
        for (var i = 0; i < samples.Length; i++) weighted += (i % 9973 + 1) * (long)samples[i];
        Assert.Equal(WeightedSums[Path.GetFileName(relative)], weighted);
        if (distinct > 0) Assert.Equal(distinct, samples.Distinct().Count());
    }
}
