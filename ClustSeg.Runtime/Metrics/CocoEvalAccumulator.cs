namespace ClustSeg.Runtime.Metrics;

/// <summary>cocoeval's accumulate: interpolated precision at each recall threshold, and final recall, per setting.</summary>
internal static class CocoEvalAccumulator
{
    private static readonly double Spacing = Math.BitIncrement(1.0) - 1.0; // np.spacing(1)

    public static CocoMaskEvaluation Accumulate(CocoImageEvaluation?[,,] perImage, int[] categoryIds, CocoEvalParameters p)
    {
        int T = p.IouThresholds.Length, K = categoryIds.Length, A = p.AreaRanges.Length, M = p.MaxDetections.Length,
            I = perImage.GetLength(2);
        var result = new CocoMaskEvaluation(p, categoryIds);
        for (var k = 0; k < K; k++)
            for (var a = 0; a < A; a++)
                for (var m = 0; m < M; m++)
                {
                    var maxDet = p.MaxDetections[m];
                    var evaluations = Enumerable.Range(0, I).Select(i => perImage[k, a, i]).OfType<CocoImageEvaluation>().ToList();
                    if (evaluations.Count == 0) continue;
                    var regularGroundTruth = evaluations.Sum(e => e.GroundTruthIgnored.Count(ignored => !ignored));
                    if (regularGroundTruth == 0) continue; // stays -1: no ground truth to find
                    // Each image's top maxDet detections, concatenated in image order, then ranked by a stable sort.
                    var ranked = evaluations
                        .SelectMany(e => Enumerable.Range(0, Math.Min(maxDet, e.Scores.Length)).Select(d => (Image: e, Detection: d)))
                        .OrderByDescending(x => x.Image.Scores[x.Detection])
                        .ToArray();
                    for (var t = 0; t < T; t++) AccumulateThreshold(result, ranked, regularGroundTruth, t, k, a, m);
                }
        return result;
    }

    private static void AccumulateThreshold(CocoMaskEvaluation result, (CocoImageEvaluation Image, int Detection)[] ranked,
        int regularGroundTruth, int t, int k, int a, int m)
    {
        var n = ranked.Length;
        var recall = new double[n];
        var precision = new double[n];
        double tp = 0, fp = 0;
        for (var i = 0; i < n; i++)
        {
            var (image, d) = ranked[i];
            // Ignored detections stay in the ranking but count as neither true nor false positives.
            if (!image.DetectionIgnored[t, d])
            {
                if (image.DetectionMatches[t, d] != 0) tp++;
                else fp++;
            }
            recall[i] = tp / regularGroundTruth;
            precision[i] = tp / (fp + tp + Spacing);
        }
        result.SetRecall(t, k, a, m, n > 0 ? recall[n - 1] : 0);
        for (var i = n - 1; i > 0; i--)
            if (precision[i] > precision[i - 1]) precision[i - 1] = precision[i];
        var thresholds = result.Parameters.RecallThresholds;
        for (var r = 0; r < thresholds.Length; r++)
        {
            var index = SearchSortedLeft(recall, thresholds[r]);
            result.SetPrecision(t, r, k, a, m, index < n ? precision[index] : 0);
        }
    }

    /// <summary>np.searchsorted(sorted, value, side="left"): the first index whose element is not below value.</summary>
    private static int SearchSortedLeft(double[] sorted, double value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var mid = (low + high) >> 1;
            if (sorted[mid] < value) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}
