using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class PositionCodeTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>The formula of the ClustSeg page, written out per channel.</summary>
    private static double[] Reference(int d, int h, int w)
    {
        var code = new double[d * h * w];
        for (var c = 0; c < d; c++)
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var alongX = c >= d / 2;
            var k = alongX ? c - d / 2 : c;
            var j = k / 2;
            var scaled = alongX ? (x + 0.5) / w * 2 * Math.PI : (y + 0.5) / h * 2 * Math.PI;
            var frequency = Math.Pow(10000, 4.0 * j / d);
            code[(c * h + y) * w + x] = k % 2 == 0 ? Math.Sin(scaled / frequency) : Math.Cos(scaled / frequency);
        }
        return code;
    }

    [Theory]
    [InlineData(64, 7, 9)]   // small model's D
    [InlineData(8, 1, 13)]
    [InlineData(4, 5, 3)]
    public void MatchesTheFormula(int d, int h, int w)
    {
        var code = Device.Poisoned("P", d, h, w);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SinePositionCode(code);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(code), Reference(d, h, w));
    }

    [Fact]
    public void FirstChannelsAreHandChecked()
    {
        // D = 4, H = 2, W = 1: y' = pi/2 and 3pi/2 with f_0 = 1 -> channel 0 = sin = (1, -1), channel 1 = cos = (0, 0);
        // x' = pi for the single column -> channel 2 = 0, channel 3 = -1.
        var code = Device.Poisoned("P", 4, 2, 1);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SinePositionCode(code);
            recorder.Submit();
        }
        var values = Device.Read(code);
        double[] expected = [1, -1, 0, 0, 0, 0, -1, -1];
        for (var i = 0; i < 8; i++) Assert.Equal(expected[i], values[i], 1e-6);
    }

    [Fact]
    public void ChannelsNotDivisibleByFourAreRejected()
    {
        var code = Device.Scratch.Allocate("P", DType.F32, 6, 4, 4);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.SinePositionCode(code));
        Assert.Contains("divisible by 4", e.Message);
    }
}
