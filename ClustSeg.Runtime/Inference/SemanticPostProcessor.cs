namespace ClustSeg.Runtime.Inference;

/// <summary>Semantic inference (clustseg.md): each pixel takes the class whose centre has the largest mask logit.</summary>
public static class SemanticPostProcessor
{
    /// <summary>
    /// The label map (row-major class ids) of a semantic model's prediction, whose centres are the classes in order.
    /// Ties go to the lower class id.
    /// </summary>
    /// <exception cref="ArgumentException">The prediction does not have one centre per class, or has more than 255 classes.</exception>
    public static byte[] Labels(MaskPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (prediction.Centres != prediction.Classes)
            throw new ArgumentException($"Semantic inference needs one centre per class; this prediction has {prediction.Centres} centres for {prediction.Classes} classes.", nameof(prediction));
        if (prediction.Classes > 255)
            throw new ArgumentException($"{prediction.Classes} classes do not fit an 8-bit label map (255 is the ignore label).", nameof(prediction));
        var pixels = prediction.Pixels;
        var labels = new byte[pixels];
        var best = prediction.Mask(0).ToArray();
        for (var k = 1; k < prediction.Centres; k++)
        {
            var mask = prediction.Mask(k);
            for (var i = 0; i < pixels; i++)
            {
                if (mask[i] > best[i])
                {
                    best[i] = mask[i];
                    labels[i] = (byte)k;
                }
            }
        }
        return labels;
    }
}
