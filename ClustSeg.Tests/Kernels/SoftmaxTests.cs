using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class SoftmaxTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private static (int Outer, int Axis, int Inner) Split(int[] shape, int axis)
    {
        if (axis < 0) axis += shape.Length;
        int outer = 1, inner = 1;
        for (var i = 0; i < axis; i++) outer *= shape[i];
        for (var i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[axis], inner);
    }

    private static double[] Reference(double[] x, int[] shape, int axis, bool log)
    {
        var (outer, size, inner) = Split(shape, axis);
        var y = new double[x.Length];
        for (var o = 0; o < outer; o++)
        for (var i = 0; i < inner; i++)
        {
            int At(int k) => (o * size + k) * inner + i;
            var max = double.NegativeInfinity;
            for (var k = 0; k < size; k++) max = Math.Max(max, x[At(k)]);
            double sum = 0;
            for (var k = 0; k < size; k++) sum += Math.Exp(x[At(k)] - max);
            for (var k = 0; k < size; k++) y[At(k)] = log ? x[At(k)] - max - Math.Log(sum) : Math.Exp(x[At(k)] - max) / sum;
        }
        return y;
    }

    private static double[] ReferenceBackward(double[] y, double[] dy, int[] shape, int axis, bool log)
    {
        var (outer, size, inner) = Split(shape, axis);
        var dx = new double[y.Length];
        for (var o = 0; o < outer; o++)
        for (var i = 0; i < inner; i++)
        {
            int At(int k) => (o * size + k) * inner + i;
            double total = 0;
            for (var k = 0; k < size; k++) total += log ? dy[At(k)] : dy[At(k)] * y[At(k)];
            for (var k = 0; k < size; k++)
                dx[At(k)] = log ? dy[At(k)] - Math.Exp(y[At(k)]) * total : y[At(k)] * (dy[At(k)] - total);
        }
        return dx;
    }

    public static TheoryData<int[], int, bool> Cases => new()
    {
        { [3, 7, 5], 0, false },
        { [3, 7, 5], 1, false },
        { [3, 7, 5], 2, true },
        { [3, 7, 5], -2, true },
        { [4, 300], -1, false },  // contiguous rows longer than a workgroup
        { [4, 300], 1, true },
        { [2, 13, 1], 1, false }, // inner of 1 behind a unit dimension
        { [11, 3, 17], 0, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchReference(int[] shape, int axis, bool log)
    {
        var count = shape.Aggregate(1, (a, b) => a * b);
        var x = Numerics.RoundToFloat(Numerics.Random(count, 1, 20)); // wide range: needs the max subtracted
        var dy = Numerics.RoundToFloat(Numerics.Random(count, 2));
        var tx = Device.Upload("x", x, shape);
        var tdy = Device.Upload("dy", dy, shape);
        var ty = Device.Poisoned("y", shape);
        var tdx = Device.Poisoned("dx", shape);
        using (var recorder = Device.BeginRecording())
        {
            if (log) recorder.LogSoftmax(tx, ty, axis);
            else recorder.Softmax(tx, ty, axis);
            if (log) recorder.LogSoftmaxBackward(ty, tdy, tdx, axis);
            else recorder.SoftmaxBackward(ty, tdy, tdx, axis);
            recorder.Submit();
        }
        var y = Reference(x, shape, axis, log);
        Numerics.AssertClose(Device.Read(ty), y, what: "y");
        // The backward reads the device's y, as it would in training.
        var deviceY = Array.ConvertAll(Device.Read(ty), v => (double)v);
        Numerics.AssertClose(Device.Read(tdx), ReferenceBackward(deviceY, dy, shape, axis, log), what: "dx");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReferenceBackwardMatchesFiniteDifferences(bool log)
    {
        int[] shape = [2, 5, 3];
        var x = Numerics.Random(30, 3, 2);
        var dy = Numerics.Random(30, 4);
        var dx = ReferenceBackward(Reference(x, shape, 1, log), dy, shape, 1, log);
        Numerics.AssertClose(dx, Numerics.NumericGradient(v => Reference(v, shape, 1, log), x, dy), 1e-6, "dx");
    }

    [Fact]
    public void NegativeInfinityIsAZeroProbability()
    {
        double[] x = [double.NegativeInfinity, 0, Math.Log(3), double.NegativeInfinity];
        var tx = Device.Upload("x", x, 1, 4);
        var ty = Device.Poisoned("y", 1, 4);
        using (var recorder = Device.BeginRecording())
        {
            recorder.Softmax(tx, ty, 1);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ty), [0, 0.25, 0.75, 0]);
    }

    [Fact]
    public void AxisOutOfRangeIsRejected()
    {
        var x = Device.Scratch.Allocate("logits", DType.F32, 2, 3);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.Softmax(x, x, 2));
        Assert.Contains("axis 2", e.Message);
    }
}
