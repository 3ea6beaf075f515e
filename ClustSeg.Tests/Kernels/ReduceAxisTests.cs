using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class ReduceAxisTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private static readonly int[] Shape = [3, 11, 7];

    private static (int Outer, int Axis, int Inner) Split(int[] shape, int axis)
    {
        int outer = 1, inner = 1;
        for (var a = 0; a < axis; a++) outer *= shape[a];
        for (var a = axis + 1; a < shape.Length; a++) inner *= shape[a];
        return (outer, shape[axis], inner);
    }

    /// <summary>Plain loops; argmax keeps the first maximum.</summary>
    private static double[] Reference(double[] x, int[] shape, int axis, Reduction reduction)
    {
        var (outer, length, inner) = Split(shape, axis);
        var result = new double[outer * inner];
        for (var o = 0; o < outer; o++)
        for (var i = 0; i < inner; i++)
        {
            var column = Enumerable.Range(0, length).Select(a => x[(o * length + a) * inner + i]).ToArray();
            result[o * inner + i] = reduction switch
            {
                Reduction.Sum => column.Sum(),
                Reduction.Mean => column.Average(),
                Reduction.Max => column.Max(),
                _ => Array.IndexOf(column, column.Max()),
            };
        }
        return result;
    }

    [Theory]
    [InlineData(0, Reduction.Sum)]
    [InlineData(1, Reduction.Mean)]
    [InlineData(2, Reduction.Max)]
    [InlineData(-1, Reduction.Argmax)]
    [InlineData(1, Reduction.Argmax)]
    [InlineData(0, Reduction.Max)]
    public void ReductionMatchesReference(int axis, Reduction reduction)
    {
        // Values on a coarse grid so ties occur and argmax must pick the first.
        var x = Numerics.Random(3 * 11 * 7, 1).Select(v => Math.Round(v * 4) / 4).ToArray();
        var resolved = axis < 0 ? axis + Shape.Length : axis;
        var outShape = Shape.Where((_, a) => a != resolved).ToArray();
        var input = Device.Upload("x", x, Shape);
        var expected = Reference(x, Shape, resolved, reduction);
        using var recorder = Device.BeginRecording();
        if (reduction == Reduction.Argmax)
        {
            var output = Device.UploadInt("idx", Enumerable.Repeat(-7, expected.Length).ToArray(), outShape);
            recorder.ReduceAxis(input, axis, reduction, output);
            recorder.Submit();
            Assert.Equal(expected.Select(v => (int)v).ToArray(), Device.Download<int>(output));
        }
        else
        {
            var output = Device.Poisoned("y", outShape);
            recorder.ReduceAxis(input, axis, reduction, output);
            recorder.Submit();
            Numerics.AssertClose(Device.Read(output), expected, what: reduction.ToString());
        }
    }

    [Fact]
    public void MaxPropagatesNaNAndArgmaxPointsAtIt()
    {
        double[] x = [1, double.NaN, 5, 2, 3, 4];
        var input = Device.Upload("x", x, 2, 3);
        var max = Device.Poisoned("max", 2, 1);
        var idx = Device.UploadInt("idx", [-1, -1], 2);
        using (var recorder = Device.BeginRecording())
        {
            recorder.ReduceAxis(input, 1, Reduction.Max, max);
            recorder.ReduceAxis(input, 1, Reduction.Argmax, idx);
            recorder.Submit();
        }
        var m = Device.Read(max);
        Assert.True(float.IsNaN(m[0]));
        Assert.Equal(4f, m[1]);
        Assert.Equal([1, 2], Device.Download<int>(idx));
    }

    [Theory]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.Mean)]
    public void BackwardMatchesReferenceAndFiniteDifferences(Reduction reduction)
    {
        const int axis = 1;
        var x = Numerics.Random(3 * 11 * 7, 2);
        var dy = Numerics.RoundToFloat(Numerics.Random(3 * 7, 3));
        var (outer, length, inner) = Split(Shape, axis);
        var expected = new double[x.Length];
        for (var o = 0; o < outer; o++)
        for (var a = 0; a < length; a++)
        for (var i = 0; i < inner; i++)
            expected[(o * length + a) * inner + i] = dy[o * inner + i] / (reduction == Reduction.Mean ? length : 1);
        Numerics.AssertClose(expected, Numerics.NumericGradient(v => Reference(v, Shape, axis, reduction), x, dy), 1e-7, "reference");
        var dx = Device.Poisoned("dx", Shape);
        using (var recorder = Device.BeginRecording())
        {
            recorder.ReduceAxisBackward(Device.Upload("dy", dy, 3, 1, 7), axis, reduction, dx); // keepdim shape accepted
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(dx), expected, what: "dx");
    }

    [Fact]
    public void WrongOutputShapeIsRejected()
    {
        var x = Device.Scratch.Allocate("x", DType.F32, 3, 4);
        var y = Device.Scratch.Allocate("y", DType.F32, 4);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.ReduceAxis(x, 1, Reduction.Sum, y));
        Assert.Contains("[3]", e.Message);
        Assert.Throws<ShapeMismatchException>(() => recorder.ReduceAxis(x, 0, Reduction.Argmax, y)); // argmax needs int32
    }
}
