using ClustSeg.Runtime.Training.Losses;

namespace ClustSeg.Runtime.Training.Matching;

/// <summary>One (centre, target) pair of an image: the centre's mask is supervised by the target's.</summary>
internal readonly record struct MatchedPair(int Image, int Centre, int Target);

/// <summary>
/// Which centre each target of a batch supervises, for one decoder layer. Pairs come image by image and, within an
/// image, in target order.
/// </summary>
/// <param name="Pairs">Every target that enters the losses with its centre.</param>
/// <param name="CentreClasses">[B * K] the class each centre is trained to predict; no-object (= classes) when unmatched.</param>
internal sealed record MaskAssignment(IReadOnlyList<MatchedPair> Pairs, int[] CentreClasses);

/// <summary>
/// The thing targets of a batch laid out for the device cost matrix (matching_cost.comp), and the host Hungarian
/// matching that turns the downloaded cost into a <see cref="MaskAssignment"/>.
/// </summary>
internal sealed class MaskMatching
{
    private readonly MaskTargets _targets;
    private readonly int[][] _matchedTargets;

    public MaskMatching(MaskTargets targets)
    {
        _targets = targets;
        _matchedTargets = targets.Images.Select(image => Enumerable.Range(0, image.Count).Where(t => image[t].FixedCentre < 0).ToArray()).ToArray();
        Columns = _matchedTargets.Length == 0 ? 0 : _matchedTargets.Max(t => t.Length);
    }

    /// <summary>T, the padded number of matched (thing) targets per image; 0 when no image has one.</summary>
    public int Columns { get; }

    /// <summary>[B, T] the class of each matched target, -1 in padding columns.</summary>
    public int[] TargetClasses()
    {
        var classes = new int[_targets.Batch * Columns];
        Array.Fill(classes, -1);
        for (var n = 0; n < _targets.Batch; n++)
            for (var t = 0; t < _matchedTargets[n].Length; t++)
                classes[n * Columns + t] = _targets.Images[n][_matchedTargets[n][t]].ClassId;
        return classes;
    }

    /// <summary>[B, T, H/4, W/4] the masks of the matched targets, 0 in padding columns.</summary>
    public float[] TargetMasks()
    {
        var pixels = _targets.Pixels4;
        var masks = new float[_targets.Batch * Columns * pixels];
        for (var n = 0; n < _targets.Batch; n++)
            for (var t = 0; t < _matchedTargets[n].Length; t++)
                _targets.Images[n][_matchedTargets[n][t]].Mask.CopyTo(masks, (n * Columns + t) * pixels);
        return masks;
    }

    /// <summary>
    /// The assignment of one layer: fixed targets go to their centres; matched targets get the minimum-cost centres
    /// among <paramref name="firstMatchedCentre"/> .. K - 1 under <paramref name="cost"/> [B, K, T] (null when T = 0).
    /// </summary>
    public MaskAssignment Assign(ReadOnlySpan<float> cost, int centres, int classes, int firstMatchedCentre)
    {
        var pairs = new List<MatchedPair>();
        var centreClasses = new int[_targets.Batch * centres];
        Array.Fill(centreClasses, classes);
        var candidates = centres - firstMatchedCentre;
        for (var n = 0; n < _targets.Batch; n++)
        {
            var image = _targets.Images[n];
            var centreOf = new int[image.Count];
            for (var t = 0; t < image.Count; t++) centreOf[t] = image[t].FixedCentre;
            var matched = _matchedTargets[n];
            if (matched.Length > 0)
            {
                // Rows are the candidate centres, columns this image's real targets (padding columns are left out).
                var rows = LinearAssignment.Solve(cost.Slice((n * centres + firstMatchedCentre) * Columns), candidates, matched.Length, Columns);
                for (var r = 0; r < rows.Length; r++)
                    if (rows[r] >= 0) centreOf[matched[rows[r]]] = firstMatchedCentre + r;
            }
            for (var t = 0; t < image.Count; t++)
            {
                // More targets than candidate centres: the surplus targets stay unsupervised.
                if (centreOf[t] < 0) continue;
                pairs.Add(new MatchedPair(n, centreOf[t], t));
                centreClasses[n * centres + centreOf[t]] = image[t].ClassId;
            }
        }
        return new MaskAssignment(pairs, centreClasses);
    }
}
