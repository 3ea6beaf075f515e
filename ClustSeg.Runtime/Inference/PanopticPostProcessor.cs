namespace ClustSeg.Runtime.Inference;

/// <summary>One segment of a panoptic result.</summary>
/// <param name="Id">Segment id in <see cref="PanopticResult.SegmentIds"/> (1, 2, ...; 0 is void).</param>
/// <param name="ClassId">Model class id.</param>
/// <param name="IsThing">Whether the class is a thing (stuff segments of one class are merged).</param>
/// <param name="Score">The best centre score among the centres that formed the segment.</param>
public sealed record PanopticSegment(int Id, int ClassId, bool IsThing, double Score);

/// <summary>A panoptic result: a segment id per pixel (0 = void) and the segments.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="SegmentIds">Row-major segment ids, 0 = void.</param>
/// <param name="Segments">The segments, in id order.</param>
public sealed record PanopticResult(int Width, int Height, int[] SegmentIds, IReadOnlyList<PanopticSegment> Segments);

/// <summary>
/// Panoptic inference (clustseg.md): keep centres whose best non-void class probability exceeds 0.8; each pixel goes to
/// the kept centre with the largest score x sigmoid(mask logit); a centre's segment is its pixels that also have
/// sigmoid &gt;= 0.5, and is dropped when fewer than 80% of its own sigmoid &gt;= 0.5 pixels survive that
/// competition; stuff segments of one class are merged. Pixels of no segment are void.
/// </summary>
public static class PanopticPostProcessor
{
    /// <summary>A centre must be more confident than this in its best class to take part.</summary>
    public const double ScoreThreshold = 0.8;

    /// <summary>The fraction of a centre's confident pixels that must survive for its segment to be kept.</summary>
    public const double OverlapThreshold = 0.8;

    /// <summary>Runs the rule on one picture; classes below <paramref name="thingClasses"/> are things, the rest stuff.</summary>
    public static PanopticResult Segment(MaskPrediction prediction, int thingClasses)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (thingClasses < 0 || thingClasses > prediction.Classes)
            throw new ArgumentOutOfRangeException(nameof(thingClasses), thingClasses, $"Between 0 and {prediction.Classes} classes can be things.");
        var kept = new List<(int Centre, int ClassId, double Score)>();
        for (var k = 0; k < prediction.Centres; k++)
        {
            var probabilities = prediction.ClassProbabilities(k);
            var best = 0;
            for (var c = 1; c < prediction.Classes; c++)
                if (probabilities[c] > probabilities[best]) best = c;
            if (probabilities[best] > ScoreThreshold) kept.Add((k, best, probabilities[best]));
        }

        var pixels = prediction.Pixels;
        var owner = new int[pixels];
        Array.Fill(owner, -1);
        var bestValue = new double[pixels];
        for (var j = 0; j < kept.Count; j++)
        {
            var logits = prediction.Mask(kept[j].Centre);
            for (var i = 0; i < pixels; i++)
            {
                var value = kept[j].Score * MaskPrediction.Sigmoid(logits[i]);
                if (owner[i] < 0 || value > bestValue[i])
                {
                    owner[i] = j;
                    bestValue[i] = value;
                }
            }
        }

        var ids = new int[pixels];
        var segments = new List<PanopticSegment>();
        var stuffSegment = new Dictionary<int, int>();
        for (var j = 0; j < kept.Count; j++)
        {
            var (centre, classId, score) = kept[j];
            var logits = prediction.Mask(centre);
            long confident = 0, survived = 0;
            for (var i = 0; i < pixels; i++)
            {
                if (logits[i] < 0) continue; // sigmoid >= 0.5 exactly when the logit is >= 0
                confident++;
                if (owner[i] == j) survived++;
            }
            if (survived == 0 || survived < OverlapThreshold * confident) continue;
            var isThing = classId < thingClasses;
            int id;
            if (!isThing && stuffSegment.TryGetValue(classId, out var merged))
            {
                id = merged;
                var index = id - 1;
                segments[index] = segments[index] with { Score = Math.Max(segments[index].Score, score) };
            }
            else
            {
                id = segments.Count + 1;
                segments.Add(new PanopticSegment(id, classId, isThing, score));
                if (!isThing) stuffSegment[classId] = id;
            }
            for (var i = 0; i < pixels; i++)
                if (owner[i] == j && logits[i] >= 0) ids[i] = id;
        }
        return new PanopticResult(prediction.Width, prediction.Height, ids, segments);
    }
}
