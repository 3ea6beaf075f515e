namespace ClustSeg.Tests.Training;

/// <summary>A supervised (centre, target mask) pair of one image, for the CPU reference.</summary>
internal sealed record ReferencePair(int Image, int Centre, double[] Target);

/// <summary>
/// Straightforward double-precision versions of the mask losses (clustseg.md "Losses", normalised as Mask2Former):
/// class CE as torch's weighted mean, mask BCE as the mean over pixels and pairs, dice 1 - (2 sum pt + 1) / (sum p +
/// sum t + 1) averaged over pairs, semantic CE as the mean over non-ignored pixels.
/// </summary>
internal static class MaskLossReference
{
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Weighted softmax CE over rows of <paramref name="logits"/> [rows, width] (labels outside range ignored).</summary>
    public static double CrossEntropy(double[] logits, int rows, int width, int[] labels, double[]? weights)
    {
        double sum = 0, weightSum = 0;
        for (var r = 0; r < rows; r++)
        {
            var y = labels[r];
            if (y < 0 || y >= width) continue;
            var w = weights?[y] ?? 1;
            sum += w * (LogSumExp(logits, r * width, width, 1) - logits[r * width + y]);
            weightSum += w;
        }
        return weightSum == 0 ? 0 : sum / weightSum;
    }

    /// <summary>Semantic CE: softmax over the class axis of [B, K, P] at each pixel, labels [B, P].</summary>
    public static double PixelCrossEntropy(double[] maskLogits, int batch, int classes, int pixels, int[] labels)
    {
        double sum = 0;
        var count = 0;
        for (var n = 0; n < batch; n++)
        {
            for (var p = 0; p < pixels; p++)
            {
                var y = labels[n * pixels + p];
                if (y < 0 || y >= classes) continue;
                var start = n * classes * pixels + p;
                sum += LogSumExp(maskLogits, start, classes, pixels) - maskLogits[start + y * pixels];
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    /// <summary>Mean BCE with logits over every pixel of every pair's mask [B, K, P].</summary>
    public static double MaskBce(double[] maskLogits, int centres, int pixels, IReadOnlyList<ReferencePair> pairs)
    {
        if (pairs.Count == 0) return 0;
        double sum = 0;
        foreach (var pair in pairs)
        {
            var start = (pair.Image * centres + pair.Centre) * pixels;
            for (var p = 0; p < pixels; p++)
            {
                var x = maskLogits[start + p];
                sum += Math.Max(x, 0) - x * pair.Target[p] + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            }
        }
        return sum / (pairs.Count * (double)pixels);
    }

    /// <summary>Dice averaged over pairs.</summary>
    public static double Dice(double[] maskLogits, int centres, int pixels, IReadOnlyList<ReferencePair> pairs)
    {
        if (pairs.Count == 0) return 0;
        double sum = 0;
        foreach (var pair in pairs)
            sum += DiceOne(maskLogits.AsSpan((pair.Image * centres + pair.Centre) * pixels, pixels), pair.Target);
        return sum / pairs.Count;
    }

    public static double DiceOne(ReadOnlySpan<double> logits, double[] target)
    {
        double pt = 0, ps = 0, ts = 0;
        for (var p = 0; p < logits.Length; p++)
        {
            var s = Sigmoid(logits[p]);
            pt += s * target[p];
            ps += s;
            ts += target[p];
        }
        return 1 - (2 * pt + 1) / (ps + ts + 1);
    }

    /// <summary>The matching cost 2 CE_class + 5 BCE_mask + 5 dice of centre k of image n against a target.</summary>
    public static double Cost(double[] classLogits, double[] maskLogits, int centres, int width, int pixels, int image, int centre, int targetClass, double[] target)
    {
        var row = (image * centres + centre) * width;
        var ce = LogSumExp(classLogits, row, width, 1) - classLogits[row + targetClass];
        var pair = new ReferencePair(image, centre, target);
        return 2 * ce + 5 * MaskBce(maskLogits, centres, pixels, [pair]) + 5 * Dice(maskLogits, centres, pixels, [pair]);
    }

    private static double LogSumExp(double[] values, int start, int count, int stride)
    {
        var max = double.NegativeInfinity;
        for (var i = 0; i < count; i++) max = Math.Max(max, values[start + i * stride]);
        double sum = 0;
        for (var i = 0; i < count; i++) sum += Math.Exp(values[start + i * stride] - max);
        return max + Math.Log(sum);
    }
}
