namespace ClustSeg.Runtime.Training.Losses;

/// <summary>The loss weights of clustseg.md "Losses"; every decoder layer's predictions get the same losses.</summary>
public static class MaskLossWeights
{
    /// <summary>Semantic: per-pixel softmax cross-entropy over the class centres' mask logits.</summary>
    public const float SemanticCrossEntropy = 5f;

    /// <summary>Semantic: dice of the present classes' masks.</summary>
    public const float SemanticDice = 1f;

    /// <summary>Instance and panoptic: class cross-entropy over all centres (unmatched centres learn no-object).</summary>
    public const float ClassCrossEntropy = 2f;

    /// <summary>Instance and panoptic: the class weight of no-object inside the class cross-entropy.</summary>
    public const float NoObjectWeight = 0.1f;

    /// <summary>Instance and panoptic: sigmoid BCE of the matched masks.</summary>
    public const float MaskBce = 5f;

    /// <summary>Instance and panoptic: dice of the matched masks.</summary>
    public const float MaskDice = 5f;
}
