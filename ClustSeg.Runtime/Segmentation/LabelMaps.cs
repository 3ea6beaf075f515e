namespace ClustSeg.Runtime.Segmentation;

/// <summary>Relabelling and connected components of label maps, all O(pixels) and deterministic.</summary>
public static class LabelMaps
{
    /// <summary>
    /// Renumbers labels to 0 .. count-1 in the raster order of their first pixel; regions are unchanged
    /// (a label in two separate places keeps one id). Any int labels are allowed, negative ones included.
    /// </summary>
    public static LabelMap RelabelContiguous(LabelMap map, out int count)
    {
        ArgumentNullException.ThrowIfNull(map);
        var source = map.Labels;
        var result = new int[source.Length];
        var ids = new Dictionary<int, int>();
        var previousLabel = 0;
        var previousId = -1;
        for (var i = 0; i < source.Length; i++)
        {
            var label = source[i];
            // Runs of equal labels are the common case; skip the dictionary for them.
            if (previousId < 0 || label != previousLabel)
            {
                if (!ids.TryGetValue(label, out previousId))
                {
                    previousId = ids.Count;
                    ids.Add(label, previousId);
                }
                previousLabel = label;
            }
            result[i] = previousId;
        }
        count = ids.Count;
        return new LabelMap(map.Width, map.Height, result);
    }

    /// <summary>
    /// Gives every 4-connected region of equal labels its own id, 0 .. count-1 in the raster order of the
    /// region's first pixel. A label that occurs in two separate places becomes two labels.
    /// </summary>
    public static LabelMap SplitConnectedComponents(LabelMap map, out int count)
    {
        ArgumentNullException.ThrowIfNull(map);
        var components = ConnectedComponents.Label4(map);
        count = components.Count;
        return new LabelMap(map.Width, map.Height, components.Ids);
    }

    /// <summary>True when every label's pixels form a single 4-connected region.</summary>
    public static bool IsEveryLabelConnected(LabelMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var components = ConnectedComponents.Label4(map);
        RelabelContiguous(map, out var labelCount);
        return components.Count == labelCount;
    }
}
