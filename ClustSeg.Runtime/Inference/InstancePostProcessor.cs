namespace ClustSeg.Runtime.Inference;

/// <summary>One detected instance.</summary>
/// <param name="Centre">The centre it came from.</param>
/// <param name="ClassId">Its class (model class id).</param>
/// <param name="Score">Class probability times the mean mask probability inside the mask.</param>
/// <param name="Mask">0/1 per pixel, row-major (mask logit &gt; 0).</param>
public sealed record InstanceDetection(int Centre, int ClassId, double Score, byte[] Mask);

/// <summary>
/// Instance inference (clustseg.md): the top (centre, class) pairs by class probability (softmax over classes + 1,
/// no-object excluded); mask = logit &gt; 0; score = class probability x mean sigmoid(logit) inside the mask
/// (0 for an empty mask).
/// </summary>
public static class InstancePostProcessor
{
    /// <summary>How many detections an image keeps (COCO's maxDets).</summary>
    public const int MaxDetections = 100;

    /// <summary>
    /// Detections of one picture, highest score first. Only classes below <paramref name="thingClasses"/> compete
    /// (the things of the model, or every class of an instance model that declares none). Pairs with equal probability keep centre
    /// then class order.
    /// </summary>
    public static IReadOnlyList<InstanceDetection> Detect(MaskPrediction prediction, int thingClasses, int maxDetections = MaxDetections)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (thingClasses < 1 || thingClasses > prediction.Classes)
            throw new ArgumentOutOfRangeException(nameof(thingClasses), thingClasses, $"Instance inference needs 1..{prediction.Classes} thing classes.");
        var pairs = new List<(int Centre, int ClassId, double Probability)>(prediction.Centres * thingClasses);
        for (var k = 0; k < prediction.Centres; k++)
        {
            var probabilities = prediction.ClassProbabilities(k);
            for (var c = 0; c < thingClasses; c++) pairs.Add((k, c, probabilities[c]));
        }
        // OrderByDescending is stable, so ties keep (centre, class) order.
        var top = pairs.OrderByDescending(p => p.Probability).Take(maxDetections);
        var detections = new List<InstanceDetection>();
        foreach (var (centre, classId, probability) in top)
        {
            var logits = prediction.Mask(centre);
            var mask = new byte[logits.Length];
            var inside = 0;
            var probabilitySum = 0.0;
            for (var i = 0; i < logits.Length; i++)
            {
                if (logits[i] <= 0) continue;
                mask[i] = 1;
                inside++;
                probabilitySum += MaskPrediction.Sigmoid(logits[i]);
            }
            var maskScore = inside == 0 ? 0 : probabilitySum / inside;
            detections.Add(new InstanceDetection(centre, classId, probability * maskScore, mask));
        }
        return detections.OrderByDescending(d => d.Score).ToList();
    }
}
