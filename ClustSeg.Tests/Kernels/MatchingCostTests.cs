using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class MatchingCostTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Batch = 2, Predictions = 11, Targets = 5, Classes = 8, H = 7, W = 9;

    /// <summary>Each term from its definition: -log softmax, textbook BCE averaged over pixels, Mask2Former dice.</summary>
    private static double[] Reference(double[] classLogits, double[] maskLogits, int[] targetClasses, double[] targetMasks,
        double wc, double wm, double wd)
    {
        const int pixels = H * W;
        var cost = new double[Batch * Predictions * Targets];
        for (var b = 0; b < Batch; b++)
        for (var q = 0; q < Predictions; q++)
        for (var t = 0; t < Targets; t++)
        {
            var row = classLogits.Skip((b * Predictions + q) * Classes).Take(Classes).ToArray();
            var label = targetClasses[b * Targets + t];
            var ce = label < 0 ? 0 : -Math.Log(Math.Exp(row[label]) / row.Sum(Math.Exp));
            double bce = 0, pt = 0, ps = 0, ts = 0;
            for (var i = 0; i < pixels; i++)
            {
                var x = maskLogits[(b * Predictions + q) * pixels + i];
                var y = targetMasks[(b * Targets + t) * pixels + i];
                var p = 1 / (1 + Math.Exp(-x));
                bce -= y * Math.Log(p) + (1 - y) * Math.Log(1 - p);
                pt += p * y;
                ps += p;
                ts += y;
            }
            var dice = 1 - (2 * pt + 1) / (ps + ts + 1);
            cost[(b * Predictions + q) * Targets + t] = wc * ce + wm * bce / pixels + wd * dice;
        }
        return cost;
    }

    [Theory]
    [InlineData(2f, 5f, 5f)]
    [InlineData(1f, 0f, 3f)]
    public void CostMatrixMatchesReference(float wc, float wm, float wd)
    {
        var classLogits = Numerics.RoundToFloat(Numerics.Random(Batch * Predictions * Classes, 1, 3));
        var maskLogits = Numerics.RoundToFloat(Numerics.Random(Batch * Predictions * H * W, 2, 5));
        var rng = new Random(3);
        var targetClasses = Enumerable.Range(0, Batch * Targets).Select(_ => rng.Next(Classes - 1)).ToArray();
        targetClasses[Batch * Targets - 1] = -1; // padding column of the second image
        var targetMasks = Enumerable.Range(0, Batch * Targets * H * W).Select(_ => rng.Next(3) == 0 ? 1.0 : 0.0).ToArray();
        var cost = Device.Poisoned("cost", Batch, Predictions, Targets);
        using (var recorder = Device.BeginRecording())
        {
            recorder.MatchingCost(Device.Upload("cls", classLogits, Batch, Predictions, Classes),
                Device.Upload("masks", maskLogits, Batch, Predictions, H, W),
                Device.UploadInt("tcls", targetClasses, Batch, Targets),
                Device.Upload("tmasks", targetMasks, Batch, Targets, H, W), cost, wc, wm, wd);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(cost), Reference(classLogits, maskLogits, targetClasses, targetMasks, wc, wm, wd), what: "cost");
    }

    [Fact]
    public void MasksPastLavapipesLoopLimitAreRefusedNotTruncated()
    {
        // Each invocation walks every mask pixel; 260 x 260 = 67,600 pixels is past the 65,535 loop iterations llvmpipe
        // runs per invocation before it silently stops (CpuLoopBudget). A GPU has no such limit.
        var (cls, masks, tcls, tmasks, cost) = Unfilled(predictions: 2, targets: 1, (260, 260), (260, 260));
        using var recorder = Device.BeginRecording();
        if (Device.Info.Kind != ClustSeg.Runtime.Vulkan.DeviceKind.Cpu) return;
        var e = Assert.Throws<ClustSeg.Runtime.Errors.ClustSegException>(() => recorder.MatchingCost(cls, masks, tcls, tmasks, cost));
        Assert.Contains("loop limit", e.Message);
        Assert.Contains("67,600", e.Message);
    }

    [Fact]
    public void MaskShapesMustAgree()
    {
        var (cls, masks, tcls, tmasks, cost) = Unfilled(predictions: 4, targets: 2, (6, 6), (6, 5));
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.MatchingCost(cls, masks, tcls, tmasks, cost));
        Assert.Contains("targetMasks", e.Message);
    }

    /// <summary>Unfilled inputs of one image with 3 classes: prediction and target masks of the given sizes.</summary>
    private (Tensor Cls, Tensor Masks, Tensor TargetClasses, Tensor TargetMasks, Tensor Cost) Unfilled(int predictions, int targets,
        (int H, int W) predictionMask, (int H, int W) targetMask) =>
        (Device.Scratch.Allocate("cls", DType.F32, 1, predictions, 3),
         Device.Scratch.Allocate("masks", DType.F32, 1, predictions, predictionMask.H, predictionMask.W),
         Device.Scratch.Allocate("tcls", DType.I32, 1, targets),
         Device.Scratch.Allocate("tmasks", DType.F32, 1, targets, targetMask.H, targetMask.W),
         Device.Scratch.Allocate("cost", DType.F32, 1, predictions, targets));
}
