using ClustSeg.Runtime.Segmentation;

namespace ClustSeg.Runtime.Metrics.Superpixel;

/// <summary>
/// A segmentation with every label split into its 4-connected pieces, numbered 0 .. Count-1, as the benchmark
/// relabels both superpixels and ground truth before measuring.
/// </summary>
internal sealed class PreparedSegmentation
{
    private PreparedSegmentation(LabelMap map, int count, int[] sizes)
    {
        Map = map;
        Count = count;
        Sizes = sizes;
    }

    public LabelMap Map { get; }

    public int Count { get; }

    public int[] Sizes { get; }

    public static PreparedSegmentation From(LabelMap labels)
    {
        var components = ConnectedComponents.Label4(labels);
        return new PreparedSegmentation(
            new LabelMap(labels.Width, labels.Height, components.Ids), components.Count, components.Sizes);
    }

    /// <summary>Pixel indices grouped by label (counting sort): pixels of label s are order[start[s] .. start[s+1]).</summary>
    public (int[] Order, int[] Start) PixelsByLabel()
    {
        var start = new int[Count + 1];
        for (var s = 0; s < Count; s++) start[s + 1] = start[s] + Sizes[s];
        var next = (int[])start.Clone();
        var labels = Map.Labels;
        var order = new int[labels.Length];
        for (var p = 0; p < labels.Length; p++) order[next[labels[p]]++] = p;
        return (order, start);
    }

    /// <summary>True per pixel when a 4-neighbour has another label (the benchmark's boundary pixel).</summary>
    public bool[] BoundaryMask()
    {
        int width = Map.Width, height = Map.Height;
        var labels = Map.Labels;
        var mask = new bool[labels.Length];
        for (var y = 0; y < height; y++)
        {
            var row = y * width;
            for (var x = 0; x < width; x++)
            {
                var p = row + x;
                var label = labels[p];
                mask[p] = (x > 0 && labels[p - 1] != label) || (x < width - 1 && labels[p + 1] != label)
                    || (y > 0 && labels[p - width] != label) || (y < height - 1 && labels[p + width] != label);
            }
        }
        return mask;
    }
}
