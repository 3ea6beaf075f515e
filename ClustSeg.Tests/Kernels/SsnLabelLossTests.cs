using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class SsnLabelLossTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Batch = 2, Classes = 5, H = 13, W = 11, Plane = H * W;

    /// <summary>-sum_k onehot_k log(r_k + 1e-8) averaged over labelled pixels, with an explicit one-hot sum.</summary>
    private static double Loss(double[] r, int[] labels)
    {
        double total = 0;
        var count = 0;
        for (var b = 0; b < Batch; b++)
        for (var q = 0; q < Plane; q++)
        {
            var label = labels[b * Plane + q];
            if (label < 0 || label >= Classes) continue;
            count++;
            for (var k = 0; k < Classes; k++) total -= (k == label ? 1 : 0) * Math.Log(r[(b * Classes + k) * Plane + q] + 1e-8);
        }
        return count == 0 ? 0 : total / count;
    }

    private static double[] Gradient(double[] r, int[] labels, double upstream)
    {
        var count = labels.Count(l => l >= 0 && l < Classes);
        var grad = new double[r.Length];
        for (var b = 0; b < Batch; b++)
        for (var q = 0; q < Plane; q++)
        {
            var label = labels[b * Plane + q];
            if (label < 0 || label >= Classes) continue;
            var at = (b * Classes + label) * Plane + q;
            grad[at] = -upstream / (count * (r[at] + 1e-8));
        }
        return grad;
    }

    [Fact]
    public void LossAndGradientMatchReference()
    {
        var r = Numerics.RoundToFloat(Numerics.Random(Batch * Classes * Plane, 1).Select(v => 0.55 + 0.45 * v).ToArray());
        var rng = new Random(2);
        var labels = Enumerable.Range(0, Batch * Plane).Select(_ => rng.Next(6) == 0 ? 255 : rng.Next(Classes)).ToArray();
        var rt = Device.Upload("r", r, Batch, Classes, H, W);
        var lt = Device.UploadInt("l", labels, Batch, H, W);
        var loss = Device.Poisoned("loss", 1);
        var count = Device.Poisoned("count", 1);
        var grad = Device.Poisoned("grad", Batch, Classes, H, W);
        using (var recorder = Device.BeginRecording())
        {
            recorder.SsnLabelLoss(rt, lt, loss, count);
            recorder.SsnLabelLossBackward(rt, lt, count, Device.Upload("up", [3.0], 1), grad);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(loss), [Loss(r, labels)], what: "loss");
        Assert.Equal(labels.Count(l => l < Classes), Device.Read(count)[0]);
        Numerics.AssertClose(Device.Read(grad), Gradient(r, labels, 3), what: "reconstruction gradient");
    }

    [Fact]
    public void ReferenceGradientMatchesFiniteDifferences()
    {
        // Only the entries at the labels matter; probing a block of pixels of both images covers labelled, ignored
        // and off-label entries without differencing every element.
        var r = Numerics.Random(Batch * Classes * Plane, 3).Select(v => 0.55 + 0.45 * v).ToArray();
        var rng = new Random(4);
        var labels = Enumerable.Range(0, Batch * Plane).Select(_ => rng.Next(6) == 0 ? 255 : rng.Next(Classes)).ToArray();
        var probed = Enumerable.Range(0, r.Length).Where(i => i % Plane < 12).ToArray();
        var reduced = probed.Select(i => r[i]).ToArray();
        double[] LossOfProbed(double[] values)
        {
            var full = (double[])r.Clone();
            for (var k = 0; k < probed.Length; k++) full[probed[k]] = values[k];
            return [Loss(full, labels)];
        }
        var analytic = Gradient(r, labels, 1);
        Numerics.AssertClose(probed.Select(i => analytic[i]).ToArray(), Numerics.NumericGradient(LossOfProbed, reduced, [1.0]), 1e-6, "dr");
    }

    [Fact]
    public void LabelsMustMatchTheReconstruction()
    {
        var r = Device.Scratch.Allocate("r", DType.F32, 1, 3, 4, 4);
        var l = Device.Scratch.Allocate("l", DType.I32, 1, 4, 3);
        var s = Device.Scratch.Allocate("s", DType.F32, 1);
        using var recorder = Device.BeginRecording();
        Assert.Throws<ShapeMismatchException>(() => recorder.SsnLabelLoss(r, l, s, s));
    }
}
