namespace ClustSeg.Runtime.Inference;

/// <summary>
/// The final decoder layer's predictions for one picture, ready for post-processing: class logits per centre and
/// mask logits upsampled (bilinear, align_corners = false) to the padded input, then cropped to the picture.
/// </summary>
public sealed class MaskPrediction
{
    /// <summary>Wraps host arrays; checks that their lengths agree with the sizes.</summary>
    /// <param name="centres">K, the number of centres.</param>
    /// <param name="classes">Number of classes (the class logits have one more column: no-object, last).</param>
    /// <param name="height">Picture height.</param>
    /// <param name="width">Picture width.</param>
    /// <param name="classLogits">[K, classes + 1], row-major.</param>
    /// <param name="maskLogits">[K, height, width], row-major.</param>
    public MaskPrediction(int centres, int classes, int height, int width, float[] classLogits, float[] maskLogits)
    {
        ArgumentNullException.ThrowIfNull(classLogits);
        ArgumentNullException.ThrowIfNull(maskLogits);
        if (centres < 0 || classes < 1 || height < 1 || width < 1)
            throw new ArgumentOutOfRangeException(nameof(centres), $"Sizes K={centres}, classes={classes}, {width}x{height} are not valid.");
        if (classLogits.Length != (long)centres * (classes + 1))
            throw new ArgumentException($"Class logits have {classLogits.Length} values; [{centres}, {classes + 1}] needs {(long)centres * (classes + 1)}.", nameof(classLogits));
        if (maskLogits.Length != (long)centres * height * width)
            throw new ArgumentException($"Mask logits have {maskLogits.Length} values; [{centres}, {height}, {width}] needs {(long)centres * height * width}.", nameof(maskLogits));
        Centres = centres;
        Classes = classes;
        Height = height;
        Width = width;
        ClassLogits = classLogits;
        MaskLogits = maskLogits;
    }

    /// <summary>K, the number of centres.</summary>
    public int Centres { get; }

    /// <summary>Number of classes (without no-object).</summary>
    public int Classes { get; }

    /// <summary>Picture height.</summary>
    public int Height { get; }

    /// <summary>Picture width.</summary>
    public int Width { get; }

    /// <summary>Pixels per mask.</summary>
    public int Pixels => Height * Width;

    /// <summary>Class logits [K, classes + 1], no-object last.</summary>
    public float[] ClassLogits { get; }

    /// <summary>Mask logits [K, height, width] at the picture's resolution.</summary>
    public float[] MaskLogits { get; }

    /// <summary>The mask logits of centre <paramref name="k"/>.</summary>
    public ReadOnlySpan<float> Mask(int k) => MaskLogits.AsSpan(k * Pixels, Pixels);

    /// <summary>Softmax over classes + 1 of centre <paramref name="k"/>'s class logits (no-object last).</summary>
    public double[] ClassProbabilities(int k)
    {
        var row = ClassLogits.AsSpan(k * (Classes + 1), Classes + 1);
        var max = double.NegativeInfinity;
        foreach (var v in row) max = Math.Max(max, v);
        var probabilities = new double[row.Length];
        var sum = 0.0;
        for (var c = 0; c < row.Length; c++) sum += probabilities[c] = Math.Exp(row[c] - max);
        for (var c = 0; c < row.Length; c++) probabilities[c] /= sum;
        return probabilities;
    }

    internal static double Sigmoid(float logit) => 1.0 / (1.0 + Math.Exp(-logit));
}
