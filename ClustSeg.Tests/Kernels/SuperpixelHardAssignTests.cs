using ClustSeg.Runtime.Ops;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class SuperpixelHardAssignTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>Nearest centre among cells at Chebyshev cell distance at most 1, scanning slots in order (dy, dx).</summary>
    private static int[] Reference(double[] f, double[] c, int batch, int channels, int h, int w, int gh, int gw)
    {
        var labels = new int[batch * h * w];
        for (var b = 0; b < batch; b++)
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var (cy, cx) = (y * gh / h, x * gw / w);
            var best = -1;
            var bestDistance = double.PositiveInfinity;
            for (var dy = -1; dy <= 1; dy++)
            for (var dx = -1; dx <= 1; dx++)
            {
                var (gy, gx) = (cy + dy, cx + dx);
                if (gy < 0 || gx < 0 || gy >= gh || gx >= gw) continue;
                var g = gy * gw + gx;
                double distance = 0;
                for (var ch = 0; ch < channels; ch++)
                    distance += Math.Pow(f[((b * channels + ch) * h + y) * w + x] - c[(b * channels + ch) * gh * gw + g], 2);
                if (distance < bestDistance) (best, bestDistance) = (g, distance);
            }
            labels[(b * h + y) * w + x] = best;
        }
        return labels;
    }

    [Fact]
    public void LabelsMatchReference()
    {
        const int batch = 2, channels = 4, h = 13, w = 10, gh = 4, gw = 3;
        var f = Numerics.RoundToFloat(Numerics.Random(batch * channels * h * w, 1));
        var c = Numerics.RoundToFloat(Numerics.Random(batch * channels * gh * gw, 2));
        var labels = Device.UploadInt("labels", Enumerable.Repeat(-5, batch * h * w).ToArray(), batch, h, w);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SuperpixelHardAssign(Device.Upload("f", f, batch, channels, h, w), Device.Upload("c", c, batch, channels, gh * gw), gh, gw, labels);
            recorder.Submit();
        }
        Assert.Equal(Reference(f, c, batch, channels, h, w, gh, gw), Device.Download<int>(labels));
    }

    [Fact]
    public void PositionOnlyFeaturesGiveTheGridCells()
    {
        // Features = (y, x) and centres at the cell centres: every pixel belongs to its own cell (soft SLIC, colour off).
        const int h = 12, w = 9, gh = 3, gw = 3;
        var f = new double[2 * h * w];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            f[y * w + x] = y;
            f[h * w + y * w + x] = x;
        }
        var c = new double[2 * gh * gw];
        for (var g = 0; g < gh * gw; g++)
        {
            c[g] = (g / gw + 0.5) * h / gh - 0.5;
            c[gh * gw + g] = (g % gw + 0.5) * w / gw - 0.5;
        }
        var labels = Device.UploadInt("labels", new int[h * w], 1, h, w);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SuperpixelHardAssign(Device.Upload("f", f, 1, 2, h, w), Device.Upload("c", c, 1, 2, gh * gw), gh, gw, labels);
            recorder.Submit();
        }
        var expected = Enumerable.Range(0, h * w).Select(i => i / w * gh / h * gw + i % w * gw / w).ToArray();
        Assert.Equal(expected, Device.Download<int>(labels));
    }
}
