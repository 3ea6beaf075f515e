using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class SoftmaxCrossEntropyTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>torch.nn.functional.cross_entropy(weight=w, ignore_index=255, reduction='mean'), in double.</summary>
    private static double Loss(double[] x, int[] labels, double[]? weights, int outer, int classes, int inner)
    {
        double numerator = 0, denominator = 0;
        for (var o = 0; o < outer; o++)
        for (var i = 0; i < inner; i++)
        {
            var y = labels[o * inner + i];
            if (y < 0 || y >= classes) continue;
            var row = Enumerable.Range(0, classes).Select(c => x[(o * classes + c) * inner + i]).ToArray();
            var max = row.Max();
            var nll = Math.Log(row.Sum(v => Math.Exp(v - max))) + max - row[y];
            var w = weights?[y] ?? 1;
            numerator += w * nll;
            denominator += w;
        }
        return denominator > 0 ? numerator / denominator : 0;
    }

    private static double[] Gradient(double[] x, int[] labels, double[]? weights, int outer, int classes, int inner, double upstream)
    {
        var grad = new double[x.Length];
        var total = 0.0;
        for (var j = 0; j < labels.Length; j++)
            if (labels[j] >= 0 && labels[j] < classes) total += weights?[labels[j]] ?? 1;
        if (total == 0) return grad;
        for (var o = 0; o < outer; o++)
        for (var i = 0; i < inner; i++)
        {
            var y = labels[o * inner + i];
            if (y < 0 || y >= classes) continue;
            var row = Enumerable.Range(0, classes).Select(c => x[(o * classes + c) * inner + i]).ToArray();
            var max = row.Max();
            var sum = row.Sum(v => Math.Exp(v - max));
            for (var c = 0; c < classes; c++)
                grad[(o * classes + c) * inner + i] = upstream * (weights?[y] ?? 1) / total * (Math.Exp(row[c] - max) / sum - (c == y ? 1 : 0));
        }
        return grad;
    }

    private static int[] Labels(int count, int classes, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.Next(5) == 0 ? SoftmaxCrossEntropyOp.IgnoreLabel : rng.Next(classes)).ToArray();
    }

    private (float Loss, float[] Grad) RunDevice(double[] x, int[] labels, double[]? weights, int[] shape, double upstream)
    {
        var labelShape = shape.Where((_, a) => a != 1).ToArray();
        var xt = Device.Upload("logits", x, shape);
        var lt = Device.UploadInt("labels", labels, labelShape);
        var wt = weights is null ? null : Device.Upload("weights", weights, weights.Length);
        var loss = Device.Poisoned("loss", 1);
        var total = Device.Poisoned("total", 1);
        var up = Device.Upload("up", [upstream], 1);
        var grad = Device.Poisoned("grad", shape);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SoftmaxCrossEntropy(xt, lt, wt, loss, total);
            recorder.SoftmaxCrossEntropyBackward(xt, lt, wt, total, up, grad);
            recorder.Submit();
        }
        return (Device.Read(loss)[0], Device.Read(grad));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PixelLossAndGradientMatchReference(bool weighted)
    {
        const int b = 2, c = 7, h = 5, w = 9;
        var x = Numerics.RoundToFloat(Numerics.Random(b * c * h * w, 1, 3));
        var labels = Labels(b * h * w, c, 2);
        var weights = weighted ? Numerics.RoundToFloat(Numerics.Random(c, 3).Select(v => 1.5 + v).ToArray()) : null;
        var (loss, grad) = RunDevice(x, labels, weights, [b, c, h, w], 5);
        Numerics.AssertClose([loss], [Loss(x, labels, weights, b, c, h * w)], what: "loss");
        Numerics.AssertClose(grad, Gradient(x, labels, weights, b, c, h * w, 5), what: "dlogits");
    }

    [Fact]
    public void QueryClassLossWithDownWeightedNoObject()
    {
        // Instance-style class loss: [queries, classes + 1] with no-object (last) weighted 0.1; prime query count
        // spills over one reduction workgroup.
        const int queries = 263, classes = 6;
        var x = Numerics.RoundToFloat(Numerics.Random(queries * classes, 4, 2));
        var rng = new Random(5);
        var labels = Enumerable.Range(0, queries).Select(_ => rng.Next(2) == 0 ? classes - 1 : rng.Next(classes)).ToArray();
        var weights = Enumerable.Range(0, classes).Select(c => c == classes - 1 ? (double)0.1f : 1.0).ToArray();
        var (loss, grad) = RunDevice(x, labels, weights, [queries, classes], 2);
        Numerics.AssertClose([loss], [Loss(x, labels, weights, queries, classes, 1)], what: "loss");
        Numerics.AssertClose(grad, Gradient(x, labels, weights, queries, classes, 1, 2), what: "dlogits");
    }

    [Fact]
    public void ReferenceGradientMatchesFiniteDifferences()
    {
        const int outer = 2, classes = 4, inner = 3;
        var x = Numerics.Random(outer * classes * inner, 6, 2);
        var labels = new[] { 0, 255, 3, 1, 2, 1 };
        var weights = new[] { 0.5, 1.0, 2.0, 0.1 };
        var numeric = Numerics.NumericGradient(v => [Loss(v, labels, weights, outer, classes, inner)], x, [1.0]);
        Numerics.AssertClose(Gradient(x, labels, weights, outer, classes, inner, 1), numeric, 1e-7, "dlogits");
    }

    [Fact]
    public void AllIgnoredGivesZeroLossAndGradient()
    {
        var x = Numerics.RoundToFloat(Numerics.Random(3 * 4, 7));
        var (loss, grad) = RunDevice(x, [255, 255, 255], null, [3, 4], 1);
        Assert.Equal(0f, loss);
        Assert.All(grad, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void MismatchedLabelsAreRejected()
    {
        var x = Device.Scratch.Allocate("x", DType.F32, 2, 3, 4);
        var labels = Device.Scratch.Allocate("labels", DType.I32, 2, 3);
        var scalar = Device.Scratch.Allocate("s", DType.F32, 1);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.SoftmaxCrossEntropy(x, labels, null, scalar, scalar));
        Assert.Contains("[2x4]", e.Message);
    }
}
