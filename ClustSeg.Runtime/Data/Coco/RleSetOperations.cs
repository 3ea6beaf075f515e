namespace ClustSeg.Runtime.Data.Coco;

/// <summary>Run-walking set operations on RLE masks (maskApi's rleMerge and rleIou), never decoding to pixels.</summary>
internal static class RleSetOperations
{
    public static Rle Merge(IReadOnlyList<Rle> masks, bool intersect)
    {
        if (masks.Count == 0) return new Rle(0, 0, []);
        var first = masks[0];
        if (masks.Count == 1) return new Rle(first.Height, first.Width, first.Counts.ToArray());
        var merged = first.Counts.ToArray();
        for (var i = 1; i < masks.Count; i++)
        {
            var other = masks[i];
            if (other.Height != first.Height || other.Width != first.Width)
                throw new ArgumentException($"Cannot merge RLE masks of sizes {first.Height}x{first.Width} and {other.Height}x{other.Width}.", nameof(masks));
            merged = MergePair(merged, other.Counts, intersect);
        }
        return new Rle(first.Height, first.Width, merged);
    }

    private static uint[] MergePair(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, bool intersect)
    {
        var result = new List<uint>(a.Length + b.Length);
        uint ca = a[0], cb = b[0], accumulated = 0;
        bool value = false, valueA = false, valueB = false;
        int ia = 1, ib = 1;
        var remaining = 1u;
        while (remaining > 0)
        {
            var c = Math.Min(ca, cb);
            accumulated += c;
            remaining = 0;
            ca -= c;
            if (ca == 0 && ia < a.Length)
            {
                ca = a[ia++];
                valueA = !valueA;
            }
            remaining += ca;
            cb -= c;
            if (cb == 0 && ib < b.Length)
            {
                cb = b[ib++];
                valueB = !valueB;
            }
            remaining += cb;
            var previous = value;
            value = intersect ? valueA && valueB : valueA || valueB;
            if (value != previous || remaining == 0)
            {
                result.Add(accumulated);
                accumulated = 0;
            }
        }
        return result.ToArray();
    }

    public static double Iou(Rle dt, Rle gt, bool crowd)
    {
        if (dt.Height != gt.Height || dt.Width != gt.Width)
            throw new ArgumentException($"IoU of masks with different sizes: detection {dt.Height}x{dt.Width}, ground truth {gt.Height}x{gt.Width}.");
        ReadOnlySpan<uint> a = dt.Counts, b = gt.Counts;
        if (a.Length == 0 || b.Length == 0) return 0;
        long intersection = 0, union = 0;
        uint ca = a[0], cb = b[0];
        bool va = false, vb = false;
        int ia = 1, ib = 1;
        var remaining = 1L;
        while (remaining > 0)
        {
            var c = Math.Min(ca, cb);
            if (va || vb)
            {
                union += c;
                if (va && vb) intersection += c;
            }
            remaining = 0;
            ca -= c;
            if (ca == 0 && ia < a.Length)
            {
                ca = a[ia++];
                va = !va;
            }
            remaining += ca;
            cb -= c;
            if (cb == 0 && ib < b.Length)
            {
                cb = b[ib++];
                vb = !vb;
            }
            remaining += cb;
        }
        if (intersection == 0) return 0;
        if (crowd) union = dt.Area;
        return (double)intersection / union;
    }
}
