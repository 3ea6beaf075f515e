using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class L2NormalizeTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const double Eps = 1e-12;

    private static (int Outer, int Axis, int Inner) Split(int[] shape, int axis)
    {
        if (axis < 0) axis += shape.Length;
        int outer = 1, inner = 1;
        for (var i = 0; i < axis; i++) outer *= shape[i];
        for (var i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[axis], inner);
    }

    private static double[] Reference(double[] x, int[] shape, int axis)
    {
        var (outer, size, inner) = Split(shape, axis);
        var y = new double[x.Length];
        for (var o = 0; o < outer; o++)
        for (var i = 0; i < inner; i++)
        {
            double squares = 0;
            for (var k = 0; k < size; k++) squares += x[(o * size + k) * inner + i] * x[(o * size + k) * inner + i];
            var norm = Math.Max(Math.Sqrt(squares), Eps);
            for (var k = 0; k < size; k++) y[(o * size + k) * inner + i] = x[(o * size + k) * inner + i] / norm;
        }
        return y;
    }

    private static double[] ReferenceBackward(double[] x, double[] dy, int[] shape, int axis)
    {
        var (outer, size, inner) = Split(shape, axis);
        var dx = new double[x.Length];
        for (var o = 0; o < outer; o++)
        for (var i = 0; i < inner; i++)
        {
            double squares = 0, dot = 0;
            for (var k = 0; k < size; k++)
            {
                var at = (o * size + k) * inner + i;
                squares += x[at] * x[at];
                dot += dy[at] * x[at];
            }
            var norm = Math.Sqrt(squares);
            for (var k = 0; k < size; k++)
            {
                var at = (o * size + k) * inner + i;
                dx[at] = norm > Eps ? dy[at] / norm - x[at] * dot / (norm * norm * norm) : dy[at] / Eps;
            }
        }
        return dx;
    }

    public static TheoryData<int[], int> Cases => new()
    {
        { [2, 7, 3, 5], 1 },  // channels of NCHW: strided columns
        { [13, 37], -1 },     // rows (mask embeddings, centres)
        { [3, 300], 1 },      // rows longer than a workgroup
        { [5, 3, 2], 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchReference(int[] shape, int axis)
    {
        var count = shape.Aggregate(1, (a, b) => a * b);
        var x = Numerics.RoundToFloat(Numerics.Random(count, 1, 3));
        var dy = Numerics.RoundToFloat(Numerics.Random(count, 2));
        var tx = Device.Upload("x", x, shape);
        var tdy = Device.Upload("dy", dy, shape);
        var ty = Device.Poisoned("y", shape);
        var tdx = Device.Poisoned("dx", shape);
        using (var recorder = Device.BeginRecording())
        {
            recorder.L2Normalize(tx, ty, axis);
            recorder.L2NormalizeBackward(tx, tdy, tdx, axis);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ty), Reference(x, shape, axis), what: "y");
        Numerics.AssertClose(Device.Read(tdx), ReferenceBackward(x, dy, shape, axis), what: "dx");
    }

    [Fact]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        int[] shape = [3, 4, 5];
        var x = Numerics.Random(60, 3);
        var dy = Numerics.Random(60, 4);
        Numerics.AssertClose(ReferenceBackward(x, dy, shape, 1),
            Numerics.NumericGradient(v => Reference(v, shape, 1), x, dy), 1e-6, "dx");
    }

    [Fact]
    public void ZeroVectorsStayZeroWithoutNaN()
    {
        var tx = Device.Upload("x", [0, 0, 0, 3, 4, 0], 2, 3);
        var ty = Device.Poisoned("y", 2, 3);
        using (var recorder = Device.BeginRecording())
        {
            recorder.L2Normalize(tx, ty, 1);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ty), [0, 0, 0, 0.6, 0.8, 0]);
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        var x = Device.Scratch.Allocate("embed", DType.F32, 4, 8);
        var y = Device.Scratch.Allocate("out", DType.F32, 8, 4);
        using var recorder = Device.BeginRecording();
        Assert.Throws<ShapeMismatchException>(() => recorder.L2Normalize(x, y, 1));
    }
}
