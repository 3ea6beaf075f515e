using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class ChannelCopyTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>Channel concatenation by explicit indexing.</summary>
    private static double[] Concat(double[][] inputs, int[] channels, int n, int hw)
    {
        var total = channels.Sum();
        var y = new double[n * total * hw];
        for (var b = 0; b < n; b++)
        {
            var offset = 0;
            for (var t = 0; t < inputs.Length; t++)
            {
                for (var c = 0; c < channels[t]; c++)
                for (var p = 0; p < hw; p++)
                    y[(b * total + offset + c) * hw + p] = inputs[t][(b * channels[t] + c) * hw + p];
                offset += channels[t];
            }
        }
        return y;
    }

    private static double[] Slice(double[] x, int n, int channels, int hw, int offset, int count)
    {
        var y = new double[n * count * hw];
        for (var b = 0; b < n; b++)
        for (var c = 0; c < count; c++)
        for (var p = 0; p < hw; p++) y[(b * count + c) * hw + p] = x[(b * channels + offset + c) * hw + p];
        return y;
    }

    [Fact]
    public void ConcatAndItsBackwardMatchReference()
    {
        const int n = 2, h = 3, w = 5;
        int[] channels = [3, 1, 7];
        var inputs = channels.Select((c, i) => Numerics.RoundToFloat(Numerics.Random(n * c * h * w, 10 + i))).ToArray();
        var tensors = inputs.Select((x, i) => Device.Upload($"in{i}", x, n, channels[i], h, w)).ToArray();
        var output = Device.Poisoned("out", n, 11, h, w);
        var dy = Numerics.RoundToFloat(Numerics.Random(n * 11 * h * w, 20));
        var tdy = Device.Upload("dy", dy, n, 11, h, w);
        var grads = channels.Select((c, i) => Device.Poisoned($"d{i}", n, c, h, w)).ToArray();
        using (var recorder = Device.BeginRecording())
        {
            recorder.ConcatChannels(tensors, output);
            recorder.ConcatChannelsBackward(tdy, grads);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(output), Concat(inputs, channels, n, h * w), 0, "concat");
        var offset = 0;
        for (var i = 0; i < channels.Length; i++)
        {
            Numerics.AssertClose(Device.Read(grads[i]), Slice(dy, n, 11, h * w, offset, channels[i]), 0, $"d{i}");
            offset += channels[i];
        }
    }

    [Fact]
    public void ConcatBackwardIsTheAdjointOfConcat()
    {
        // <concat(a, b), g> = <a, slice_a(g)> + <b, slice_b(g)>: checks the backward against the forward by duality.
        const int n = 2, hw = 7;
        int[] channels = [2, 3];
        var a = Numerics.Random(n * 2 * hw, 1);
        var b = Numerics.Random(n * 3 * hw, 2);
        var g = Numerics.Random(n * 5 * hw, 3);
        var left = Numerics.Dot(Concat([a, b], channels, n, hw), g);
        var right = Numerics.Dot(a, Slice(g, n, 5, hw, 0, 2)) + Numerics.Dot(b, Slice(g, n, 5, hw, 2, 3));
        Assert.Equal(left, right, 1e-12);
    }

    [Fact]
    public void SliceAndItsBackwardMatchReference()
    {
        const int n = 3, c = 9, hw = 13;
        var x = Numerics.RoundToFloat(Numerics.Random(n * c * hw, 1));
        var dy = Numerics.RoundToFloat(Numerics.Random(n * 4 * hw, 2));
        var previous = Numerics.RoundToFloat(Numerics.Random(n * c * hw, 3));
        var tx = Device.Upload("x", x, n, c, hw);
        var ty = Device.Poisoned("y", n, 4, hw);
        var tdy = Device.Upload("dy", dy, n, 4, hw);
        var tdx = Device.Poisoned("dx", n, c, hw);
        var accumulated = Device.Upload("acc", previous, n, c, hw);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SliceChannels(tx, 5, ty);
            recorder.SliceChannelsBackward(tdy, 5, tdx);
            recorder.SliceChannelsBackward(tdy, 5, accumulated, accumulate: true);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ty), Slice(x, n, c, hw, 5, 4), 0, "slice");
        var dx = new double[n * c * hw];
        for (var b = 0; b < n; b++)
        for (var k = 0; k < 4; k++)
        for (var p = 0; p < hw; p++) dx[(b * c + 5 + k) * hw + p] = dy[(b * 4 + k) * hw + p];
        Numerics.AssertClose(Device.Read(tdx), dx, 0, "slice backward");
        Numerics.AssertClose(Device.Read(accumulated), dx.Zip(previous, (d, q) => d + q).ToArray(), what: "slice backward, accumulated");
    }

    [Theory]
    [InlineData(3, 7, 333, 2, 5, 3, 1)]  // spans of several workgroups, odd strides: each image's span starts at another vec4 lane
    [InlineData(2, 4, 1, 1, 5, 2, 0)]    // one pixel per channel: spans shorter than a vec4
    public void CopyIntoTheMiddleOfADestinationLeavesTheRestUntouched(int n, int sourceChannels, int hw, int sourceOffset,
        int destinationChannels, int count, int destinationOffset)
    {
        var x = Numerics.RoundToFloat(Numerics.Random(n * sourceChannels * hw, 4));
        var prior = Numerics.RoundToFloat(Numerics.Random(n * destinationChannels * hw, 5));
        var tx = Device.Upload("x", x, n, sourceChannels, hw);
        var overwritten = Device.Upload("overwritten", prior, n, destinationChannels, hw);
        var accumulated = Device.Upload("accumulated", prior, n, destinationChannels, hw);
        using (var recorder = Device.BeginRecording())
        {
            recorder.CopyChannels(tx, sourceOffset, overwritten, destinationOffset, count);
            recorder.CopyChannels(tx, sourceOffset, accumulated, destinationOffset, count, accumulate: true);
            recorder.Submit();
        }
        var expectCopy = (double[])prior.Clone();
        var expectSum = (double[])prior.Clone();
        for (var b = 0; b < n; b++)
        for (var c = 0; c < count; c++)
        for (var p = 0; p < hw; p++)
        {
            var d = (b * destinationChannels + destinationOffset + c) * hw + p;
            var v = x[(b * sourceChannels + sourceOffset + c) * hw + p];
            expectCopy[d] = v;
            expectSum[d] += v;
        }
        Numerics.AssertClose(Device.Read(overwritten), expectCopy, 0, "copy");
        Numerics.AssertClose(Device.Read(accumulated), expectSum, what: "accumulate");
    }

    [Fact]
    public void OutOfRangeChannelsAndMismatchedPlanesAreRejected()
    {
        var x = Device.Scratch.Allocate("features", DType.F32, 2, 6, 4, 4);
        var y = Device.Scratch.Allocate("part", DType.F32, 2, 4, 4, 4);
        var z = Device.Scratch.Allocate("other", DType.F32, 2, 4, 4, 5);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.SliceChannels(x, 3, y));
        Assert.Contains("channels 3..6", e.Message);
        Assert.Throws<ShapeMismatchException>(() => recorder.SliceChannels(x, 0, z));
        Assert.Throws<ShapeMismatchException>(() => recorder.ConcatChannels([y, y], x));
    }
}
