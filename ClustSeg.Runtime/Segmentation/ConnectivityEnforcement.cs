namespace ClustSeg.Runtime.Segmentation;

/// <summary>
/// Makes every superpixel one 4-connected region, as SLIC's and SSN's <c>enforce_connectivity</c> do: each label
/// is split into its connected fragments, fragments smaller than <c>0.06 * N / K</c> pixels are merged into an
/// adjacent segment, and the result is numbered 0 .. count-1 in raster order. O(N) and deterministic.
/// </summary>
public static class ConnectivityEnforcement
{
    /// <summary>Fraction of the mean superpixel size below which a fragment is merged (SSN uses 0.06).</summary>
    public const double MinFragmentFraction = 0.06;

    /// <summary>
    /// The smallest fragment kept on its own: <c>(int)(0.06 * pixelCount / superpixelCount)</c>, truncated as
    /// SSN's <c>int(0.06 * segment_size)</c> is.
    /// </summary>
    public static int MinFragmentSize(int pixelCount, int superpixelCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(superpixelCount);
        return (int)(MinFragmentFraction * pixelCount / superpixelCount);
    }

    /// <summary>
    /// Enforces connectivity for a segmentation made with <paramref name="superpixelCount"/> requested superpixels.
    /// </summary>
    public static LabelMap Enforce(LabelMap labels, int superpixelCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return EnforceWithMinSize(labels, MinFragmentSize(labels.PixelCount, superpixelCount));
    }

    /// <summary>
    /// Enforces connectivity, merging fragments of fewer than <paramref name="minFragmentSize"/> pixels. A fragment
    /// joins the segment of the pixel left of (or, in column 0, above) its first pixel in raster order, which is
    /// always already final; only the fragment holding pixel (0, 0) has no such pixel and joins the first segment
    /// found across its border instead.
    /// </summary>
    public static LabelMap EnforceWithMinSize(LabelMap labels, int minFragmentSize)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var components = ConnectedComponents.Label4(labels);
        var ids = components.Ids;
        var width = labels.Width;
        var owner = new int[components.Count];
        for (var c = 0; c < components.Count; c++)
        {
            var first = components.FirstPixels[c];
            if (components.Sizes[c] >= minFragmentSize || first == 0)
            {
                owner[c] = c;
                continue;
            }
            // first is the component's first pixel in raster order, so its left (or upper) neighbour belongs to
            // an earlier component whose owner is settled.
            var neighbour = first % width > 0 ? first - 1 : first - width;
            owner[c] = owner[ids[neighbour]];
        }

        if (components.Count > 1 && components.Sizes[0] < minFragmentSize)
            MergeFirstGroupIntoNeighbour(labels.Width, labels.Height, ids, owner);

        var merged = new int[ids.Length];
        for (var p = 0; p < ids.Length; p++) merged[p] = owner[ids[p]];
        return LabelMaps.RelabelContiguous(new LabelMap(labels.Width, labels.Height, merged), out _);
    }

    private static void MergeFirstGroupIntoNeighbour(int width, int height, int[] ids, int[] owner)
    {
        var target = -1;
        for (var p = 0; p < ids.Length && target < 0; p++)
        {
            if (owner[ids[p]] != 0) continue;
            int y = p / width, x = p - y * width;
            if (x < width - 1 && owner[ids[p + 1]] != 0) target = owner[ids[p + 1]];
            else if (y < height - 1 && owner[ids[p + width]] != 0) target = owner[ids[p + width]];
            else if (x > 0 && owner[ids[p - 1]] != 0) target = owner[ids[p - 1]];
            else if (y > 0 && owner[ids[p - width]] != 0) target = owner[ids[p - width]];
        }
        if (target < 0) return; // everything already belongs to the first group: one segment
        for (var c = 0; c < owner.Length; c++)
            if (owner[c] == 0) owner[c] = target;
    }
}
