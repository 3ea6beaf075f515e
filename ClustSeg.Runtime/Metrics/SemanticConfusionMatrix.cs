using ClustSeg.Runtime.Data;

namespace ClustSeg.Runtime.Metrics;

/// <summary>Per-class and mean IoU of a semantic segmentation.</summary>
/// <param name="ClassIou">IoU per class: tp / (tp + fp + fn); NaN for a class absent from both ground truth and prediction.</param>
/// <param name="MeanIou">Mean of the non-NaN class IoUs (NaN if none).</param>
/// <param name="PixelAccuracy">Correct pixels / evaluated (non-ignored) pixels.</param>
/// <param name="ClassAccuracy">Recall per class: tp / ground-truth pixels of the class; NaN when it has none.</param>
/// <param name="MeanClassAccuracy">Mean of the non-NaN class accuracies.</param>
public sealed record SemanticSegmentationScores(double[] ClassIou, double MeanIou, double PixelAccuracy, double[] ClassAccuracy, double MeanClassAccuracy);

/// <summary>
/// Accumulates a confusion matrix of ground-truth class (rows) against predicted class (columns) over many images,
/// skipping pixels whose ground truth is the ignore label (255). A prediction of the ignore label on a labelled
/// pixel counts as a miss for that pixel's class (a false negative, no false positive).
/// </summary>
public sealed class SemanticConfusionMatrix
{
    private readonly long[] _counts;
    private readonly long[] _missed;

    /// <summary>Creates an empty matrix for classes 0..<paramref name="classCount"/>-1.</summary>
    public SemanticConfusionMatrix(int classCount, int ignoreLabel = 255)
    {
        if (classCount is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "Class count must be 1..65535.");
        if (ignoreLabel < classCount) throw new ArgumentException($"Ignore label {ignoreLabel} collides with class ids 0..{classCount - 1}.", nameof(ignoreLabel));
        ClassCount = classCount;
        IgnoreLabel = ignoreLabel;
        _counts = new long[classCount * classCount];
        _missed = new long[classCount];
    }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Ground-truth label that is skipped (and prediction label that means "no class").</summary>
    public int IgnoreLabel { get; }

    /// <summary>Pixels of ground-truth class <paramref name="groundTruth"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int groundTruth, int predicted] => _counts[groundTruth * ClassCount + predicted];

    /// <summary>Pixels of a class that were predicted as the ignore label.</summary>
    public long Missed(int groundTruth) => _missed[groundTruth];

    /// <summary>Adds one image's labels (row-major, same size).</summary>
    /// <param name="groundTruth">Ground-truth labels: classes or the ignore label.</param>
    /// <param name="prediction">Predicted labels: classes or the ignore label.</param>
    /// <param name="source">Names the image in errors.</param>
    /// <exception cref="DataFileException">Sizes differ, or a label is neither a class nor the ignore label.</exception>
    public void Add(ReadOnlySpan<ushort> groundTruth, ReadOnlySpan<ushort> prediction, string source = "<labels>")
    {
        if (groundTruth.Length != prediction.Length)
            throw new DataFileException(source, $"prediction has {prediction.Length} pixels but the ground truth has {groundTruth.Length}.");
        for (var i = 0; i < groundTruth.Length; i++)
        {
            int gt = groundTruth[i], pred = prediction[i];
            if (gt == IgnoreLabel) continue;
            if (gt >= ClassCount)
                throw new DataFileException(source, $"ground-truth label {gt} at pixel {i} is not a class (0..{ClassCount - 1}) or the ignore label {IgnoreLabel}.");
            if (pred < ClassCount) _counts[gt * ClassCount + pred]++;
            else if (pred == IgnoreLabel) _missed[gt]++;
            else throw new DataFileException(source, $"predicted label {pred} at pixel {i} is not a class (0..{ClassCount - 1}) or the ignore label {IgnoreLabel}.");
        }
    }

    /// <summary>Byte-label convenience overload of <see cref="Add(ReadOnlySpan{ushort}, ReadOnlySpan{ushort}, string)"/>.</summary>
    public void Add(ReadOnlySpan<byte> groundTruth, ReadOnlySpan<byte> prediction, string source = "<labels>")
    {
        var gt = new ushort[groundTruth.Length];
        var pred = new ushort[prediction.Length];
        for (var i = 0; i < gt.Length; i++) gt[i] = groundTruth[i];
        for (var i = 0; i < pred.Length; i++) pred[i] = prediction[i];
        Add(gt, pred, source);
    }

    /// <summary>IoU per class, mean IoU, pixel accuracy and class accuracy from the counts so far.</summary>
    public SemanticSegmentationScores Compute()
    {
        var n = ClassCount;
        var iou = new double[n];
        var accuracy = new double[n];
        long correct = 0, total = 0;
        for (var c = 0; c < n; c++)
        {
            long tp = this[c, c], rowSum = _missed[c], columnSum = 0;
            for (var j = 0; j < n; j++)
            {
                rowSum += this[c, j];
                columnSum += this[j, c];
            }
            var union = rowSum + columnSum - tp;
            iou[c] = union == 0 ? double.NaN : (double)tp / union;
            accuracy[c] = rowSum == 0 ? double.NaN : (double)tp / rowSum;
            correct += tp;
            total += rowSum;
        }
        return new SemanticSegmentationScores(iou, NanMean(iou), total == 0 ? double.NaN : (double)correct / total, accuracy, NanMean(accuracy));
    }

    private static double NanMean(double[] values)
    {
        var present = values.Where(v => !double.IsNaN(v)).ToArray();
        return present.Length == 0 ? double.NaN : present.Average();
    }
}
