using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class MemoryBankUpdateTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Batch = 2, H = 3, W = 7, Stride = 8, Classes = 6;

    /// <summary>clustseg.md's rule, in double: per present class, copy on the first update, else EMA.</summary>
    private static void Update(double[] bank, int[] seen, double[] features, int[] labels, double momentum, int channels)
    {
        for (var c = 0; c < Classes; c++)
        {
            var sums = new double[channels];
            var count = 0;
            for (var b = 0; b < Batch; b++)
            for (var y = 0; y < H; y++)
            for (var x = 0; x < W; x++)
            {
                if (labels[(b * H * Stride + y * Stride) * W * Stride + x * Stride] != c) continue;
                count++;
                for (var d = 0; d < channels; d++) sums[d] += features[((b * channels + d) * H + y) * W + x];
            }
            if (count == 0) continue;
            for (var d = 0; d < channels; d++)
                bank[c * channels + d] = seen[c] == 0 ? sums[d] / count : momentum * bank[c * channels + d] + (1 - momentum) * sums[d] / count;
            seen[c] = 1;
        }
    }

    private static int[] Labels(int seed, params int[] absentClasses)
    {
        var rng = new Random(seed);
        var labels = new int[Batch * H * Stride * W * Stride];
        for (var i = 0; i < labels.Length; i++)
        {
            var v = rng.Next(Classes + 2); // Classes -> 255, Classes + 1 -> out of range
            labels[i] = v == Classes ? 255 : v == Classes + 1 ? 40 : absentClasses.Contains(v) ? 255 : v;
        }
        return labels;
    }

    [Theory]
    [InlineData(5)]   // fewer channels than lanes
    [InlineData(19)]  // several channels per lane on CPU devices (a subgroup per class), a remainder among them
    public void TwoUpdatesMatchReference(int channels)
    {
        var bank = Numerics.RoundToFloat(Numerics.Random(Classes * channels, 3)); // rows of unseen classes must stay as they are
        var seen = new int[Classes];
        var bankT = Device.Upload("bank", bank, Classes, channels);
        var seenT = Device.UploadInt("seen", seen, Classes);
        for (var step = 0; step < 2; step++)
        {
            var features = Numerics.RoundToFloat(Numerics.Random(Batch * channels * H * W, 10 + step));
            var labels = step == 0 ? Labels(20, 4, 5) : Labels(21, 1, 5); // class 4 first appears in step 2; 5 never
            using (var recorder = Device.BeginRecording())
            {
                recorder.MemoryBankUpdate(Device.Upload("f", features, Batch, channels, H, W),
                    Device.UploadInt("labels", labels, Batch, H * Stride, W * Stride), bankT, seenT, 0.9f);
                recorder.Submit();
            }
            Update(bank, seen, features, labels, 0.9f, channels);
            Numerics.AssertClose(Device.Read(bankT), bank, 1e-6, $"bank after update {step + 1}");
            Assert.Equal(seen, Device.Download<int>(seenT));
        }
        Assert.Equal([1, 1, 1, 1, 1, 0], seen);
    }

    [Fact]
    public void HandComputedSingleClass()
    {
        // One image, one channel, 2x2 features at stride 1: class 0 at three pixels (values 1, 2, 6), one 255.
        var bank = Device.Upload("bank", [10.0, 20.0], 2, 1);
        var seen = Device.UploadInt("seen", [1, 0], 2);
        var features = Device.Upload("f", [1.0, 2.0, 6.0, 100.0], 1, 1, 2, 2);
        var labels = Device.UploadInt("l", [0, 0, 0, 255], 1, 2, 2);
        using (var recorder = Device.BeginRecording())
        {
            recorder.MemoryBankUpdate(features, labels, bank, seen, 0.99f);
            recorder.Submit();
        }
        // class 0: 0.99 * 10 + 0.01 * 3; class 1 absent: untouched, still unseen.
        Numerics.AssertClose(Device.Read(bank), [9.93, 20.0], 1e-6, "bank");
        Assert.Equal([1, 0], Device.Download<int>(seen));
    }

    [Fact]
    public void NonIntegerStrideIsRejected()
    {
        var f = Device.Scratch.Allocate("f", DType.F32, 1, 4, 3, 3);
        var l = Device.Scratch.Allocate("l", DType.I32, 1, 10, 10);
        var bank = Device.Scratch.Allocate("bank", DType.F32, 2, 4);
        var seen = Device.Scratch.Allocate("seen", DType.I32, 2);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.MemoryBankUpdate(f, l, bank, seen));
        Assert.Contains("integer stride", e.Message);
    }
}
