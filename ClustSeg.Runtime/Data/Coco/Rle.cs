namespace ClustSeg.Runtime.Data.Coco;

/// <summary>
/// A binary mask in COCO run-length encoding, exactly as pycocotools (maskApi.c) defines it: runs alternate
/// background, foreground, background, ... starting with background (a leading 0 when the first pixel is set), and
/// the pixels are visited in column-major order (down each column, then the next column). Masks handed to and
/// returned from this class are row-major (index y * width + x), the layout the rest of ClustSeg uses.
/// </summary>
public sealed class Rle : IEquatable<Rle>
{
    private readonly uint[] _counts;

    /// <summary>Creates an RLE from run lengths; the runs must cover exactly height * width pixels.</summary>
    /// <exception cref="ArgumentException">The runs do not sum to height * width.</exception>
    public Rle(int height, int width, uint[] counts)
    {
        if (height < 0 || width < 0) throw new ArgumentOutOfRangeException(nameof(height), $"RLE size {height}x{width} is negative.");
        long total = 0;
        foreach (var c in counts) total += c;
        if (total != (long)height * width)
            throw new ArgumentException($"RLE runs cover {total} pixels but the mask is {height}x{width} = {(long)height * width}.", nameof(counts));
        Height = height;
        Width = width;
        _counts = counts;
    }

    /// <summary>Mask height (COCO "size"[0]).</summary>
    public int Height { get; }

    /// <summary>Mask width (COCO "size"[1]).</summary>
    public int Width { get; }

    /// <summary>Run lengths, alternating background and foreground, starting with background.</summary>
    public ReadOnlySpan<uint> Counts => _counts;

    /// <summary>Number of foreground pixels (sum of the odd-indexed runs), as maskApi's rleArea.</summary>
    public long Area
    {
        get
        {
            long area = 0;
            for (var j = 1; j < _counts.Length; j += 2) area += _counts[j];
            return area;
        }
    }

    /// <summary>Run-length encodes a row-major mask (nonzero = foreground).</summary>
    public static Rle Encode(ReadOnlySpan<byte> mask, int height, int width)
    {
        if (mask.Length != (long)height * width)
            throw new ArgumentException($"Mask has {mask.Length} pixels; expected {height}x{width}.", nameof(mask));
        var counts = new List<uint>();
        var current = false;
        uint run = 0;
        for (var x = 0; x < width; x++)
            for (var y = 0; y < height; y++)
            {
                var value = mask[y * width + x] != 0;
                if (value != current)
                {
                    counts.Add(run);
                    run = 0;
                    current = value;
                }
                run++;
            }
        counts.Add(run);
        return new Rle(height, width, counts.ToArray());
    }

    /// <summary>Decodes into a row-major mask of 0 and 1.</summary>
    public byte[] Decode()
    {
        var mask = new byte[(long)Height * Width];
        long position = 0; // column-major position
        for (var j = 0; j < _counts.Length; j++)
        {
            if (j % 2 == 1)
                for (long k = position; k < position + _counts[j]; k++)
                    mask[k % Height * Width + k / Height] = 1;
            position += _counts[j];
        }
        return mask;
    }

    /// <summary>The COCO compressed string form (pycocotools rleToString).</summary>
    public string ToCompressedString() => RleStringCodec.Encode(_counts);

    /// <summary>Parses the COCO compressed string form (pycocotools rleFrString).</summary>
    /// <exception cref="FormatException">The string has characters outside the codec's alphabet or ends mid-number.</exception>
    /// <exception cref="ArgumentException">The runs do not cover height * width pixels.</exception>
    public static Rle FromCompressedString(string counts, int height, int width) =>
        new(height, width, RleStringCodec.Decode(counts));

    /// <summary>
    /// Bounding box [x, y, width, height] as maskApi's rleToBbox computes it (a run that wraps into the next column
    /// widens the box to the full height; an empty mask gives all zeros).
    /// </summary>
    public double[] ToBbox()
    {
        var m = _counts.Length / 2 * 2;
        if (m == 0) return [0, 0, 0, 0];
        uint h = (uint)Height, w = (uint)Width, xs = w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
        for (var j = 0; j < m; j++)
        {
            cc += _counts[j];
            var t = cc - (uint)(j % 2);
            var y = t % h;
            var x = (t - y) / h;
            if (j % 2 == 0) xp = x;
            else if (xp < x)
            {
                ys = 0;
                ye = h - 1;
            }
            xs = Math.Min(xs, x);
            xe = Math.Max(xe, x);
            ys = Math.Min(ys, y);
            ye = Math.Max(ye, y);
        }
        return [xs, ys, xe - xs + 1, ye - ys + 1];
    }

    /// <summary>Rasterises one polygon [x0, y0, x1, y1, ...] as pycocotools frPoly does.</summary>
    public static Rle FromPolygon(ReadOnlySpan<double> xy, int height, int width) => RlePolygon.Rasterize(xy, height, width);

    /// <summary>
    /// Rasterises a box [x, y, w, h] as pycocotools frBbox does (the box's four corners as a polygon).
    /// </summary>
    public static Rle FromBbox(ReadOnlySpan<double> box, int height, int width)
    {
        double xs = box[0], xe = xs + box[2], ys = box[1], ye = ys + box[3];
        return RlePolygon.Rasterize([xs, ys, xs, ye, xe, ye, xe, ys], height, width);
    }

    /// <summary>Union (or intersection) of masks of one size, with the run walk of maskApi's rleMerge.</summary>
    public static Rle Merge(IReadOnlyList<Rle> masks, bool intersect = false) => RleSetOperations.Merge(masks, intersect);

    /// <summary>
    /// Intersection over union of a detection and a ground-truth mask as maskApi's rleIou: when the ground truth is a
    /// crowd region the denominator is the detection's area alone; with no overlap the result is 0.
    /// </summary>
    public static double Iou(Rle detection, Rle groundTruth, bool groundTruthIsCrowd) =>
        RleSetOperations.Iou(detection, groundTruth, groundTruthIsCrowd);

    /// <inheritdoc />
    public bool Equals(Rle? other) =>
        other is not null && Height == other.Height && Width == other.Width && Counts.SequenceEqual(other.Counts);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Rle);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Height, Width, _counts.Length, _counts.Length > 1 ? _counts[1] : 0);

    /// <inheritdoc />
    public override string ToString() => $"Rle {Height}x{Width}, {_counts.Length} runs, area {Area}";
}
