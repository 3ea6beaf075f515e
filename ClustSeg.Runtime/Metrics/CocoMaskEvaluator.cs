using ClustSeg.Runtime.Data.Coco;

namespace ClustSeg.Runtime.Metrics;

/// <summary>
/// Instance-segmentation mask AP exactly as pycocotools' COCOeval with iouType "segm": evaluate (per image and
/// category matching at each IoU threshold), accumulate (101-point interpolated precision) and summarize (the 12
/// standard numbers). Rules reproduced from the reference:
/// <list type="bullet">
/// <item>Images and categories evaluated are all of the ground truth's, sorted by id.</item>
/// <item>A ground truth is ignored when it is a crowd (its "ignore" field is overwritten by iscrowd) or its file
/// "area" lies outside the area range (ranges are inclusive at both ends).</item>
/// <item>Detections are ranked by score with a stable sort (ties keep file order), and only the top 100 per image
/// and category are matched. A detection takes the unmatched (or crowd) ground truth of highest IoU at or above the
/// threshold; a later ground truth with an equal IoU wins; once a regular match exists, ignored ones are not tried.</item>
/// <item>IoU with a crowd region divides by the detection's area only; crowds can match many detections.</item>
/// <item>Detections matched to ignored ground truth, and unmatched ones whose area is outside the range, are ignored.</item>
/// <item>A ground truth id of 0 is indistinguishable from "unmatched" in the reference, and is treated so here too.</item>
/// <item>Settings with no non-ignored ground truth get precision and recall -1 and are left out of the means.</item>
/// </list>
/// </summary>
public static class CocoMaskEvaluator
{
    internal sealed record GroundTruth(long Id, double Area, bool IsCrowd, Rle Mask);

    internal sealed record Detection(long Id, double Score, double Area, Rle Mask);

    /// <summary>Evaluates <paramref name="detections"/> against <paramref name="groundTruth"/>.</summary>
    public static CocoMaskEvaluation Evaluate(CocoInstancesDataset groundTruth, IReadOnlyList<CocoInstanceResult> detections,
        CocoEvalParameters? parameters = null)
    {
        parameters ??= new CocoEvalParameters();
        var imageIds = groundTruth.Images.Select(i => i.Id).Distinct().Order().ToArray();
        var categoryIds = groundTruth.Categories.Select(c => c.Id).Distinct().Order().ToArray();
        var categorySet = categoryIds.ToHashSet();

        var gts = new Dictionary<(long Image, int Category), List<GroundTruth>>();
        foreach (var annotation in groundTruth.Annotations)
        {
            if (!categorySet.Contains(annotation.CategoryId)) continue;
            Bucket(gts, (annotation.ImageId, annotation.CategoryId))
                .Add(new GroundTruth(annotation.Id, annotation.Area, annotation.IsCrowd, groundTruth.GetMask(annotation)));
        }
        var imageSet = imageIds.ToHashSet();
        var dts = new Dictionary<(long Image, int Category), List<Detection>>();
        for (var i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            if (!imageSet.Contains(d.ImageId) || !categorySet.Contains(d.CategoryId)) continue;
            // loadRes numbers results 1..N in file order.
            Bucket(dts, (d.ImageId, d.CategoryId)).Add(new Detection(i + 1, d.Score, d.Area, d.Mask));
        }

        var maxDet = parameters.MaxDetections[^1];
        var perImage = new CocoImageEvaluation?[categoryIds.Length, parameters.AreaRanges.Length, imageIds.Length];
        for (var k = 0; k < categoryIds.Length; k++)
            for (var i = 0; i < imageIds.Length; i++)
            {
                var key = (imageIds[i], categoryIds[k]);
                var g = gts.GetValueOrDefault(key) ?? [];
                var d = ByScore(dts.GetValueOrDefault(key) ?? []).Take(maxDet).ToList();
                if (g.Count == 0 && d.Count == 0) continue;
                var ious = ComputeIous(d, g);
                for (var a = 0; a < parameters.AreaRanges.Length; a++)
                    perImage[k, a, i] = EvaluateImage(g, d, ious, parameters.AreaRanges[a], maxDet, parameters.IouThresholds);
            }
        return CocoEvalAccumulator.Accumulate(perImage, categoryIds, parameters);
    }

    private static List<T> Bucket<T>(Dictionary<(long, int), List<T>> buckets, (long, int) key)
    {
        if (!buckets.TryGetValue(key, out var list)) buckets[key] = list = [];
        return list;
    }

    // np.argsort(-score, kind="mergesort"): a stable descending sort.
    private static IEnumerable<Detection> ByScore(List<Detection> detections) => detections.OrderByDescending(d => d.Score);

    private static double[,] ComputeIous(List<Detection> dts, List<GroundTruth> gts)
    {
        var ious = new double[dts.Count, gts.Count];
        for (var d = 0; d < dts.Count; d++)
            for (var g = 0; g < gts.Count; g++)
                ious[d, g] = Rle.Iou(dts[d].Mask, gts[g].Mask, gts[g].IsCrowd);
        return ious;
    }

    private static CocoImageEvaluation EvaluateImage(List<GroundTruth> gtsInFileOrder, List<Detection> dts, double[,] ious,
        (double Min, double Max) range, int maxDet, double[] thresholds)
    {
        var ignoreInFileOrder = gtsInFileOrder.Select(g => g.IsCrowd || g.Area < range.Min || g.Area > range.Max).ToArray();
        // Regular ground truth first, ignored last, each group in file order.
        var order = Enumerable.Range(0, gtsInFileOrder.Count).OrderBy(g => ignoreInFileOrder[g] ? 1 : 0).ToArray();
        var gts = order.Select(g => gtsInFileOrder[g]).ToArray();
        var gtIgnore = order.Select(g => ignoreInFileOrder[g]).ToArray();
        dts = dts.Take(maxDet).ToList();

        int T = thresholds.Length, G = gts.Length, D = dts.Count;
        var gtMatch = new long[T, G];
        var dtMatch = new long[T, D];
        var dtIgnore = new bool[T, D];
        if (G > 0 && D > 0)
        {
            for (var t = 0; t < T; t++)
                for (var d = 0; d < D; d++)
                {
                    var best = Math.Min(thresholds[t], 1 - 1e-10);
                    var m = -1;
                    for (var g = 0; g < G; g++)
                    {
                        if (gtMatch[t, g] > 0 && !gts[g].IsCrowd) continue;
                        if (m > -1 && !gtIgnore[m] && gtIgnore[g]) break;
                        var iou = ious[d, order[g]];
                        if (iou < best) continue;
                        best = iou;
                        m = g;
                    }
                    if (m == -1) continue;
                    dtIgnore[t, d] = gtIgnore[m];
                    dtMatch[t, d] = gts[m].Id;
                    gtMatch[t, m] = dts[d].Id;
                }
        }
        for (var d = 0; d < D; d++)
        {
            var outside = dts[d].Area < range.Min || dts[d].Area > range.Max;
            for (var t = 0; t < T; t++)
                if (dtMatch[t, d] == 0 && outside) dtIgnore[t, d] = true;
        }
        return new CocoImageEvaluation(dts.Select(d => d.Score).ToArray(), dtMatch, dtIgnore, gtIgnore);
    }
}

/// <summary>The per image, category and area-range result of matching (cocoeval's evalImgs entry).</summary>
internal sealed record CocoImageEvaluation(double[] Scores, long[,] DetectionMatches, bool[,] DetectionIgnored, bool[] GroundTruthIgnored);
