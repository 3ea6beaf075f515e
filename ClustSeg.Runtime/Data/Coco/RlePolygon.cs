namespace ClustSeg.Runtime.Data.Coco;

/// <summary>
/// Polygon rasterisation with the exact arithmetic of pycocotools' rleFrPoly, so masks made from COCO polygons match
/// the reference pixel for pixel: the outline is traced on a 5x upsampled grid, the points where it crosses pixel
/// column centres are kept, and each such crossing toggles the mask in column-major order.
/// </summary>
internal static class RlePolygon
{
    private const double Scale = 5;

    public static Rle Rasterize(ReadOnlySpan<double> xy, int height, int width)
    {
        var k = xy.Length / 2;
        if (k == 0) throw new ArgumentException("A polygon needs at least one point.", nameof(xy));
        var x = new int[k + 1];
        var y = new int[k + 1];
        for (var j = 0; j < k; j++) x[j] = (int)(Scale * xy[j * 2] + .5);
        for (var j = 0; j < k; j++) y[j] = (int)(Scale * xy[j * 2 + 1] + .5);
        x[k] = x[0];
        y[k] = y[0];

        // Trace every edge densely on the upsampled grid, always from its first vertex to its second.
        var u = new List<int>();
        var v = new List<int>();
        for (var j = 0; j < k; j++)
        {
            int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
            int dx = Math.Abs(xe - xs), dy = Math.Abs(ys - ye);
            var flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip)
            {
                (xs, xe) = (xe, xs);
                (ys, ye) = (ye, ys);
            }
            if (dx == 0 && dy == 0)
            {
                // A zero-length edge (the C code divides 0 by 0 here); its single point never changes column, so
                // only its x matters below.
                u.Add(xs);
                v.Add(ys);
                continue;
            }
            var slope = dx >= dy ? (double)(ye - ys) / dx : (double)(xe - xs) / dy;
            if (dx >= dy)
                for (var d = 0; d <= dx; d++)
                {
                    var t = flip ? dx - d : d;
                    u.Add(t + xs);
                    v.Add((int)(ys + slope * t + .5));
                }
            else
                for (var d = 0; d <= dy; d++)
                {
                    var t = flip ? dy - d : d;
                    v.Add(t + ys);
                    u.Add((int)(xs + slope * t + .5));
                }
        }

        // Keep the crossings of pixel-column centres, downsampled to pixel coordinates.
        var crossings = new List<uint>();
        for (var j = 1; j < u.Count; j++)
        {
            if (u[j] == u[j - 1]) continue;
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / Scale - .5;
            if (Math.Floor(xd) != xd || xd < 0 || xd > width - 1) continue;
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = (yd + .5) / Scale - .5;
            if (yd < 0) yd = 0;
            else if (yd > height) yd = height;
            yd = Math.Ceiling(yd);
            crossings.Add((uint)((int)xd * height + (int)yd));
        }
        crossings.Add((uint)((long)height * width));
        crossings.Sort();

        // Turn sorted toggle positions into run lengths; a zero-length run cancels and joins its neighbours.
        var previous = 0u;
        for (var j = 0; j < crossings.Count; j++)
        {
            var position = crossings[j];
            crossings[j] -= previous;
            previous = position;
        }
        var counts = new List<uint> { crossings[0] };
        for (var j = 1; j < crossings.Count;)
        {
            if (crossings[j] > 0)
            {
                counts.Add(crossings[j++]);
                continue;
            }
            j++;
            if (j < crossings.Count) counts[^1] += crossings[j++];
        }
        return new Rle(height, width, counts.ToArray());
    }
}
