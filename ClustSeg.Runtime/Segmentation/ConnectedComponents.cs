namespace ClustSeg.Runtime.Segmentation;

/// <summary>
/// 4-connected component labelling by flood fill with an explicit stack (no recursion, so a one-region
/// image of any size is fine). Components are numbered in the raster order of their first pixel.
/// </summary>
internal sealed class ConnectedComponents
{
    private ConnectedComponents(int[] ids, int[] sizes, int[] firstPixels)
    {
        Ids = ids;
        Sizes = sizes;
        FirstPixels = firstPixels;
    }

    /// <summary>Component id per pixel, row-major.</summary>
    public int[] Ids { get; }

    /// <summary>Pixel count per component.</summary>
    public int[] Sizes { get; }

    /// <summary>Raster index of each component's first pixel.</summary>
    public int[] FirstPixels { get; }

    public int Count => Sizes.Length;

    public static ConnectedComponents Label4(LabelMap map)
    {
        int width = map.Width, height = map.Height, n = map.PixelCount;
        var labels = map.Labels;
        var ids = new int[n];
        Array.Fill(ids, -1);
        var sizes = new List<int>();
        var firsts = new List<int>();
        var stack = new int[n];
        for (var start = 0; start < n; start++)
        {
            if (ids[start] >= 0) continue;
            var id = sizes.Count;
            var label = labels[start];
            var top = 0;
            stack[top++] = start;
            ids[start] = id;
            var size = 0;
            while (top > 0)
            {
                var p = stack[--top];
                size++;
                int y = p / width, x = p - y * width;
                if (x > 0 && ids[p - 1] < 0 && labels[p - 1] == label) { ids[p - 1] = id; stack[top++] = p - 1; }
                if (x < width - 1 && ids[p + 1] < 0 && labels[p + 1] == label) { ids[p + 1] = id; stack[top++] = p + 1; }
                if (y > 0 && ids[p - width] < 0 && labels[p - width] == label) { ids[p - width] = id; stack[top++] = p - width; }
                if (y < height - 1 && ids[p + width] < 0 && labels[p + width] == label) { ids[p + width] = id; stack[top++] = p + width; }
            }
            sizes.Add(size);
            firsts.Add(start);
        }
        return new ConnectedComponents(ids, sizes.ToArray(), firsts.ToArray());
    }
}
