using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class ElementwiseTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Count = 1009; // prime: not a multiple of the workgroup, nor of 4 (scalar kernels)

    /// <summary>erf by its Maclaurin series, exact to ~1e-9 for |z| &lt;= 5 in double; beyond that erf is +-1.</summary>
    private static double Erf(double z)
    {
        if (Math.Abs(z) > 5) return Math.Sign(z);
        double term = z, sum = z;
        for (var n = 1; n < 200 && Math.Abs(term) > 1e-17; n++)
        {
            term *= -z * z / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static double Gelu(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    private static double GeluDerivative(double x) =>
        0.5 * (1 + Erf(x / Math.Sqrt(2))) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    private float[] Run(Action<CommandRecorder> record, Tensor output)
    {
        using (var recorder = Device.BeginRecording())
        {
            record(recorder);
            recorder.Submit();
        }
        return Device.Read(output);
    }

    [Fact]
    public void ErfReferenceMatchesKnownValues()
    {
        Assert.Equal(0.8427007929497149, Erf(1), 1e-12);
        Assert.Equal(-0.9953222650189527, Erf(-2), 1e-12);
        Assert.Equal(0.9999779095030014, Erf(3), 1e-11);
    }

    [Theory]
    [InlineData(Count)]
    [InlineData(1012)] // a multiple of 4: the vec4 kernels on CPU devices
    public void UnaryOpsMatchReference(int count)
    {
        var x = Numerics.RoundToFloat(Numerics.Random(count, 1, 4));
        var tx = Device.Upload("x", x, count);
        var relu = Device.Poisoned("relu", count);
        var gelu = Device.Poisoned("gelu", count);
        var scaled = Device.Poisoned("scaled", count);
        Run(r =>
        {
            r.Relu(tx, relu);
            r.Gelu(tx, gelu);
            r.Scale(tx, -2.5f, scaled);
        }, relu);
        Numerics.AssertClose(Device.Read(relu), Array.ConvertAll(x, v => Math.Max(v, 0)), what: "relu");
        Numerics.AssertClose(Device.Read(gelu), Array.ConvertAll(x, Gelu), what: "gelu");
        Numerics.AssertClose(Device.Read(scaled), Array.ConvertAll(x, v => -2.5 * v), what: "scale");
    }

    [Theory]
    [InlineData(Count)]
    [InlineData(1012)] // a multiple of 4: the vec4 kernels on CPU devices
    public void GeluIsAccurateElementByElement(int count)
    {
        // Relative error per element, not just over the vector: small |x| and the tails are where erf forms go wrong.
        var x = Numerics.RoundToFloat(Numerics.Random(count, 2, 7));
        var tx = Device.Upload("x", x, count);
        var y = Device.Poisoned("y", count);
        var result = Run(r => r.Gelu(tx, y), y);
        for (var i = 0; i < count; i++)
            Assert.True(Math.Abs(result[i] - Gelu(x[i])) <= 2e-6 * Math.Max(Math.Abs(x[i]), 1e-3), $"gelu({x[i]}) = {result[i]}, expected {Gelu(x[i])}");
    }

    [Theory]
    [InlineData(Count)]
    [InlineData(1012)] // a multiple of 4: the vec4 kernels on CPU devices
    public void BinaryOpsAndAccumulateMatchReference(int count)
    {
        var a = Numerics.RoundToFloat(Numerics.Random(count, 3));
        var b = Numerics.RoundToFloat(Numerics.Random(count, 4));
        var ta = Device.Upload("a", a, 1, count);
        var tb = Device.Upload("b", b, 1, count);
        var sum = Device.Poisoned("sum", 1, count);
        var product = Device.Poisoned("product", 1, count);
        var accumulator = Device.Upload("acc", b, 1, count);
        Run(r =>
        {
            r.Add(ta, tb, sum);
            r.Multiply(ta, tb, product);
            r.Accumulate(accumulator, ta, 0.75f);
            r.Accumulate(accumulator, ta); // ordered after the first by the recorder's barrier
        }, sum);
        Numerics.AssertClose(Device.Read(sum), a.Zip(b, (p, q) => p + q).ToArray(), what: "add");
        Numerics.AssertClose(Device.Read(product), a.Zip(b, (p, q) => p * q).ToArray(), what: "multiply");
        Numerics.AssertClose(Device.Read(accumulator), a.Zip(b, (p, q) => q + 1.75 * p).ToArray(), what: "accumulate");
    }

    [Theory]
    [InlineData(Count)]
    [InlineData(1012)] // a multiple of 4: the vec4 kernels on CPU devices
    public void MoveTowardStepsAnAverageAndCopiesAtFractionOne(int count)
    {
        var average = Numerics.RoundToFloat(Numerics.Random(count, 12));
        var target = Numerics.RoundToFloat(Numerics.Random(count, 13));
        var ta = Device.Upload("average", average, count);
        var tt = Device.Upload("target", target, count);
        var copy = Device.Upload("copy", average, count);
        Run(r =>
        {
            r.MoveToward(ta, tt, 0.1f);
            r.MoveToward(ta, tt, 0.25f); // ordered after the first by the recorder's barrier
            r.MoveToward(copy, tt, 1f);
        }, ta);
        var expected = average.Zip(target, (m, t) =>
        {
            var once = m + 0.1 * (t - m);
            return once + 0.25 * (t - once);
        }).ToArray();
        Numerics.AssertClose(Device.Read(ta), expected, what: "two averaging steps");
        Numerics.AssertClose(Device.Read(copy), Array.ConvertAll(target, v => (double)v), what: "fraction 1");
    }

    [Fact]
    public void ReferenceDerivativesMatchFiniteDifferences()
    {
        var x = Numerics.Random(101, 5, 4);
        var dy = Numerics.Random(101, 6);
        Numerics.AssertClose(x.Select((v, i) => dy[i] * GeluDerivative(v)).ToArray(),
            Numerics.NumericGradient(v => Array.ConvertAll(v, Gelu), x, dy), 1e-7, "gelu'");
        Numerics.AssertClose(x.Select((v, i) => v > 0 ? dy[i] : 0).ToArray(),
            Numerics.NumericGradient(v => Array.ConvertAll(v, q => Math.Max(q, 0)), x, dy), 1e-7, "relu'");
        var b = Numerics.Random(101, 7);
        Numerics.AssertClose(dy.Zip(b, (g, q) => g * q).ToArray(),
            Numerics.NumericGradient(v => v.Zip(b, (p, q) => p * q).ToArray(), x, dy), 1e-7, "d(a*b)/da");
    }

    [Theory]
    [InlineData(Count)]
    [InlineData(1012)] // a multiple of 4: the vec4 kernels on CPU devices
    public void BackwardMatchesReference(int count)
    {
        var x = Numerics.RoundToFloat(Numerics.Random(count, 8, 4));
        var b = Numerics.RoundToFloat(Numerics.Random(count, 9));
        var dy = Numerics.RoundToFloat(Numerics.Random(count, 10));
        var tx = Device.Upload("x", x, count);
        var tb = Device.Upload("b", b, count);
        var tdy = Device.Upload("dy", dy, count);
        var dRelu = Device.Poisoned("dRelu", count);
        var dGelu = Device.Poisoned("dGelu", count);
        var da = Device.Poisoned("da", count);
        var db = Device.Poisoned("db", count);
        Run(r =>
        {
            r.ReluBackward(tx, tdy, dRelu);
            r.GeluBackward(tx, tdy, dGelu);
            r.MultiplyBackward(tx, tb, tdy, da, db);
        }, dRelu);
        Numerics.AssertClose(Device.Read(dRelu), x.Select((v, i) => v > 0 ? dy[i] : 0).ToArray(), what: "relu backward");
        Numerics.AssertClose(Device.Read(dGelu), x.Select((v, i) => dy[i] * GeluDerivative(v)).ToArray(), what: "gelu backward");
        Numerics.AssertClose(Device.Read(da), dy.Zip(b, (g, q) => g * q).ToArray(), what: "multiply backward (a)");
        Numerics.AssertClose(Device.Read(db), dy.Zip(x, (g, p) => g * p).ToArray(), what: "multiply backward (b)");
    }

    [Theory]
    [InlineData(Count)]
    [InlineData(1012)] // a multiple of 4: the vec4 kernels on CPU devices
    public void InPlaceReluOverwritesItsInput(int count)
    {
        var x = Numerics.RoundToFloat(Numerics.Random(count, 11));
        var tx = Device.Upload("x", x, count);
        Numerics.AssertClose(Run(r => r.Relu(tx, tx), tx), Array.ConvertAll(x, v => Math.Max(v, 0)));
    }

    [Fact]
    public void DifferentShapesAreRejected()
    {
        var a = Device.Scratch.Allocate("a", DType.F32, 4, 5);
        var b = Device.Scratch.Allocate("b", DType.F32, 5, 4);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.Add(a, b, a));
        Assert.Contains("[4x5]", e.Message);
        Assert.Throws<ShapeMismatchException>(() => recorder.Accumulate(a, b));
    }
}
