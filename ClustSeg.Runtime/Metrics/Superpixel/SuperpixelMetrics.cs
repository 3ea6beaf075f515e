using ClustSeg.Runtime.Segmentation;

namespace ClustSeg.Runtime.Metrics.Superpixel;

/// <summary>
/// Superpixel metrics exactly as davidstutz/superpixel-benchmark (lib_eval/evaluation.cpp) computes them. Both
/// segmentations are first split into 4-connected pieces; a boundary pixel is one with a 4-neighbour of another
/// label. All metrics are O(pixels) (boundary recall uses an integral image instead of scanning each window).
/// </summary>
public static class SuperpixelMetrics
{
    /// <summary>
    /// Fraction of the image diagonal used as boundary-recall tolerance: 0.0025 as the float the reference passes
    /// (0.00249999994...), so that a diagonal of exactly 200 rounds to r = 0 there and here.
    /// </summary>
    public const double BoundaryToleranceFraction = (double)0.0025f;

    /// <summary>Scores <paramref name="superpixels"/> against one ground-truth segmentation of the same size.</summary>
    public static SuperpixelScores Evaluate(LabelMap superpixels, LabelMap groundTruth) =>
        EvaluateEach(superpixels, [groundTruth])[0];

    /// <summary>
    /// Scores <paramref name="superpixels"/> against each ground-truth segmentation (one result per annotator);
    /// the superpixel-only parts (relabelling, boundaries, compactness, count) are computed once.
    /// </summary>
    public static IReadOnlyList<SuperpixelScores> EvaluateEach(LabelMap superpixels, IReadOnlyList<LabelMap> groundTruths)
    {
        ArgumentNullException.ThrowIfNull(superpixels);
        ArgumentNullException.ThrowIfNull(groundTruths);
        foreach (var truth in groundTruths) RequireSameSize(superpixels, truth);
        var prepared = PreparedSegmentation.From(superpixels);
        var byLabel = prepared.PixelsByLabel();
        var boundaryIntegral = BoundaryIntegral(prepared);
        var compactness = Compactness(prepared);
        var results = new SuperpixelScores[groundTruths.Count];
        for (var i = 0; i < groundTruths.Count; i++)
        {
            var truth = PreparedSegmentation.From(groundTruths[i]);
            var (asa, ue) = OverlapMetrics(prepared, byLabel, truth);
            var recall = BoundaryRecall(boundaryIntegral, truth);
            results[i] = new SuperpixelScores(asa, ue, recall, compactness, prepared.Count);
        }
        return results;
    }

    /// <summary>
    /// ASA: each superpixel is assigned to the ground-truth segment it overlaps most; the fraction of pixels that
    /// assignment labels correctly.
    /// </summary>
    public static double AchievableSegmentationAccuracy(LabelMap superpixels, LabelMap groundTruth) =>
        Evaluate(superpixels, groundTruth).AchievableSegmentationAccuracy;

    /// <summary>
    /// Neubert-Protzel undersegmentation error: the sum over overlapping (superpixel S, segment G) pairs of
    /// min(|S ∩ G|, |S \ G|), divided by the number of pixels.
    /// </summary>
    public static double UndersegmentationError(LabelMap superpixels, LabelMap groundTruth) =>
        Evaluate(superpixels, groundTruth).UndersegmentationError;

    /// <summary>
    /// Boundary recall: the fraction of ground-truth boundary pixels with a superpixel boundary pixel inside the
    /// (2r+1)x(2r+1) square around them, r = <see cref="BoundaryTolerance"/>. Zero when the ground truth has no
    /// boundary pixel at all, as in the reference.
    /// </summary>
    public static double BoundaryRecall(LabelMap superpixels, LabelMap groundTruth) =>
        Evaluate(superpixels, groundTruth).BoundaryRecall;

    /// <summary>
    /// Compactness (Schick et al.): sum over superpixels of |S|/N * 4 pi |S| / P(S)^2, where P(S) counts the pixel
    /// sides of S that face another label or the image border.
    /// </summary>
    public static double Compactness(LabelMap superpixels)
    {
        ArgumentNullException.ThrowIfNull(superpixels);
        return Compactness(PreparedSegmentation.From(superpixels));
    }

    /// <summary>The number of superpixels after splitting every label into its 4-connected pieces.</summary>
    public static int CountSuperpixels(LabelMap superpixels)
    {
        ArgumentNullException.ThrowIfNull(superpixels);
        LabelMaps.SplitConnectedComponents(superpixels, out var count);
        return count;
    }

    /// <summary>The boundary-recall tolerance r = round(0.0025 * sqrt(H^2 + W^2)), halves rounded away from zero.</summary>
    public static int BoundaryTolerance(int width, int height) =>
        (int)Math.Round(BoundaryToleranceFraction * Math.Sqrt((double)width * width + (double)height * height),
            MidpointRounding.AwayFromZero);

    private static (double Asa, double Ue) OverlapMetrics(
        PreparedSegmentation superpixels, (int[] Order, int[] Start) byLabel, PreparedSegmentation truth)
    {
        // Walk each superpixel's pixels, counting its overlap with every segment it touches; the touched list
        // resets the counters so the whole pass stays O(N).
        var truthLabels = truth.Map.Labels;
        var overlap = new int[truth.Count];
        var touched = new List<int>();
        long correct = 0, leaked = 0;
        for (var s = 0; s < superpixels.Count; s++)
        {
            for (var k = byLabel.Start[s]; k < byLabel.Start[s + 1]; k++)
            {
                var g = truthLabels[byLabel.Order[k]];
                if (overlap[g]++ == 0) touched.Add(g);
            }
            var size = superpixels.Sizes[s];
            var best = 0;
            foreach (var g in touched)
            {
                var shared = overlap[g];
                best = Math.Max(best, shared);
                leaked += Math.Min(shared, size - shared);
                overlap[g] = 0;
            }
            correct += best;
            touched.Clear();
        }
        double n = superpixels.Map.PixelCount;
        return (correct / n, leaked / n);
    }

    private static double BoundaryRecall(MaskIntegralImage superpixelBoundaries, PreparedSegmentation truth)
    {
        int width = truth.Map.Width, height = truth.Map.Height;
        var r = BoundaryTolerance(width, height);
        var truthBoundary = truth.BoundaryMask();
        long hits = 0, total = 0;
        for (var y = 0; y < height; y++)
        {
            int y0 = Math.Max(0, y - r), y1 = Math.Min(height - 1, y + r);
            for (var x = 0; x < width; x++)
            {
                if (!truthBoundary[y * width + x]) continue;
                total++;
                int x0 = Math.Max(0, x - r), x1 = Math.Min(width - 1, x + r);
                if (superpixelBoundaries.Sum(y0, x0, y1, x1) > 0) hits++;
            }
        }
        return total > 0 ? (double)hits / total : 0.0;
    }

    private static double Compactness(PreparedSegmentation superpixels)
    {
        int width = superpixels.Map.Width, height = superpixels.Map.Height;
        var labels = superpixels.Map.Labels;
        var perimeter = new long[superpixels.Count];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = y * width + x;
                var label = labels[p];
                var sides = (y == 0 || labels[p - width] != label ? 1 : 0)
                    + (y == height - 1 || labels[p + width] != label ? 1 : 0)
                    + (x == 0 || labels[p - 1] != label ? 1 : 0)
                    + (x == width - 1 || labels[p + 1] != label ? 1 : 0);
                perimeter[label] += sides;
            }
        }
        var sum = 0.0;
        for (var s = 0; s < superpixels.Count; s++)
        {
            double area = superpixels.Sizes[s], sidesOut = perimeter[s];
            sum += area * (4.0 * Math.PI * area) / (sidesOut * sidesOut);
        }
        return sum / superpixels.Map.PixelCount;
    }

    private static MaskIntegralImage BoundaryIntegral(PreparedSegmentation superpixels) =>
        new(superpixels.BoundaryMask(), superpixels.Map.Width, superpixels.Map.Height);

    private static void RequireSameSize(LabelMap superpixels, LabelMap groundTruth)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        if (!superpixels.HasSameSize(groundTruth))
            throw new ArgumentException(
                $"Superpixels are {superpixels.Width}x{superpixels.Height} but the ground truth is " +
                $"{groundTruth.Width}x{groundTruth.Height}; both must be the same size.");
    }
}
