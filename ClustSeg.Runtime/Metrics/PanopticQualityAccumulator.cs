using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Coco;

namespace ClustSeg.Runtime.Metrics;

/// <summary>
/// Panoptic quality exactly as COCO panopticapi's pq_compute, one image at a time. Rules reproduced:
/// <list type="bullet">
/// <item>A ground-truth and a predicted segment of the same category match when IoU &gt; 0.5, where the union leaves
/// out the prediction's pixels on void (id 0) ground truth; crowd ground truth never matches.</item>
/// <item>Ground-truth areas come from the JSON "area" (as the reference; 0 or missing falls back to the PNG's pixel
/// count); predicted areas are counted in the PNG.</item>
/// <item>Unmatched non-crowd ground truth is a false negative. An unmatched prediction is a false positive unless more
/// than half of it lies on void plus the crowd region of its category (when a category has several crowd segments
/// in an image, only the last one listed counts, as in the reference).</item>
/// <item>Per-category PQ averages only categories with tp + fp + fn &gt; 0.</item>
/// </list>
/// </summary>
public sealed class PanopticQualityAccumulator
{
    private const long Offset = 1L << 24;
    private readonly IReadOnlyList<CocoCategory> _categories;
    private readonly Dictionary<int, (double Iou, int Tp, int Fp, int Fn)> _stats = new();
    private readonly HashSet<int> _known;

    /// <summary>Creates an accumulator over <paramref name="categories"/> (the ground truth's, in file order).</summary>
    public PanopticQualityAccumulator(IReadOnlyList<CocoCategory> categories)
    {
        _categories = categories;
        _known = categories.Select(c => c.Id).ToHashSet();
    }

    /// <summary>Number of images added.</summary>
    public int ImageCount { get; private set; }

    /// <summary>
    /// Adds one image. The prediction must list exactly the non-void ids of its map, with known categories;
    /// <paramref name="source"/> names the image in errors.
    /// </summary>
    /// <exception cref="DataFileException">The prediction disagrees with its map, or the sizes differ.</exception>
    public void AddImage(PanopticSegmentMap groundTruth, IReadOnlyList<PanopticSegmentInfo> groundTruthSegments,
        PanopticSegmentMap prediction, IReadOnlyList<PanopticSegmentInfo> predictionSegments, string source)
    {
        if (groundTruth.Width != prediction.Width || groundTruth.Height != prediction.Height)
            throw new DataFileException(source, $"prediction is {prediction.Width}x{prediction.Height} but the ground truth is {groundTruth.Width}x{groundTruth.Height}.");
        var gtSegments = groundTruthSegments.ToDictionary(s => s.Id);
        var predSegments = new Dictionary<int, PanopticSegmentInfo>();
        foreach (var s in predictionSegments)
            if (!predSegments.TryAdd(s.Id, s)) throw new DataFileException(source, $"predicted segment id {s.Id} is listed twice.");

        var predAreas = prediction.CountAreas();
        foreach (var (id, _) in predAreas.OrderBy(p => p.Key))
        {
            if (predSegments.ContainsKey(id)) continue;
            if (id == 0) continue;
            throw new DataFileException(source, $"predicted segment id {id} is in the PNG but not in the JSON.");
        }
        var missing = predSegments.Keys.Where(id => !predAreas.ContainsKey(id)).Order().ToList();
        if (missing.Count > 0) throw new DataFileException(source, $"predicted segment ids {string.Join(", ", missing)} are in the JSON but not in the PNG.");
        foreach (var s in predSegments.Values)
            if (!_known.Contains(s.CategoryId)) throw new DataFileException(source, $"predicted segment {s.Id} has unknown category_id {s.CategoryId}.");

        var intersections = new Dictionary<long, long>();
        var gtIds = groundTruth.Ids;
        var predIds = prediction.Ids;
        for (var i = 0; i < gtIds.Length; i++)
        {
            var key = gtIds[i] * Offset + predIds[i];
            intersections[key] = intersections.GetValueOrDefault(key) + 1;
        }
        var gtPixelAreas = groundTruth.CountAreas();
        long GtArea(PanopticSegmentInfo s) => s.Area > 0 ? s.Area : gtPixelAreas.GetValueOrDefault(s.Id);
        long Overlap(long gt, long pred) => intersections.GetValueOrDefault(gt * Offset + pred);

        var gtMatched = new HashSet<int>();
        var predMatched = new HashSet<int>();
        // Sorted by (gt id, pred id), the order np.unique gives, so IoU sums add up in the reference's order.
        foreach (var (key, intersection) in intersections.OrderBy(p => p.Key))
        {
            int gtId = (int)(key / Offset), predId = (int)(key % Offset);
            if (!gtSegments.TryGetValue(gtId, out var gt) || !predSegments.TryGetValue(predId, out var pred)) continue;
            if (gt.IsCrowd || gt.CategoryId != pred.CategoryId) continue;
            var union = predAreas[predId] + GtArea(gt) - intersection - Overlap(0, predId);
            var iou = (double)intersection / union;
            if (iou <= 0.5) continue;
            var stat = _stats.GetValueOrDefault(gt.CategoryId);
            _stats[gt.CategoryId] = (stat.Iou + iou, stat.Tp + 1, stat.Fp, stat.Fn);
            gtMatched.Add(gtId);
            predMatched.Add(predId);
        }

        var crowdByCategory = new Dictionary<int, int>();
        foreach (var gt in groundTruthSegments)
        {
            if (gtMatched.Contains(gt.Id)) continue;
            if (gt.IsCrowd)
            {
                crowdByCategory[gt.CategoryId] = gt.Id;
                continue;
            }
            var stat = _stats.GetValueOrDefault(gt.CategoryId);
            _stats[gt.CategoryId] = stat with { Fn = stat.Fn + 1 };
        }
        foreach (var pred in predictionSegments)
        {
            if (predMatched.Contains(pred.Id)) continue;
            var ignoredPixels = Overlap(0, pred.Id);
            if (crowdByCategory.TryGetValue(pred.CategoryId, out var crowdId)) ignoredPixels += Overlap(crowdId, pred.Id);
            if ((double)ignoredPixels / predAreas[pred.Id] > 0.5) continue;
            var stat = _stats.GetValueOrDefault(pred.CategoryId);
            _stats[pred.CategoryId] = stat with { Fp = stat.Fp + 1 };
        }
        ImageCount++;
    }

    /// <summary>The averages and per-category scores so far (panopticapi's pq_average for All, Things and Stuff).</summary>
    public PanopticQualityResult Compute()
    {
        var perClass = _categories.Select(c =>
        {
            var (iou, tp, fp, fn) = _stats.GetValueOrDefault(c.Id);
            if (tp + fp + fn == 0) return new PanopticClassScore(c.Id, c.Name, c.IsThing, 0, 0, 0, 0, 0, 0, 0);
            var denominator = tp + 0.5 * fp + 0.5 * fn;
            return new PanopticClassScore(c.Id, c.Name, c.IsThing, iou / denominator, tp != 0 ? iou / tp : 0, tp / denominator, tp, fp, fn, iou);
        }).ToList();
        return new PanopticQualityResult(Average(perClass, null), Average(perClass, true), Average(perClass, false), perClass);
    }

    private static PanopticQualityScore Average(List<PanopticClassScore> perClass, bool? isThing)
    {
        double pq = 0, sq = 0, rq = 0;
        var n = 0;
        foreach (var c in perClass)
        {
            if (isThing is { } thing && c.IsThing != thing) continue;
            if (c.TruePositives + c.FalsePositives + c.FalseNegatives == 0) continue;
            n++;
            pq += c.Pq;
            sq += c.Sq;
            rq += c.Rq;
        }
        // The reference divides by zero here; NaN with N = 0 says "no such categories occurred".
        return n == 0 ? new PanopticQualityScore(double.NaN, double.NaN, double.NaN, 0) : new PanopticQualityScore(pq / n, sq / n, rq / n, n);
    }
}
