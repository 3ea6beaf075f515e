namespace ClustSeg.Runtime.Data.Synthetic;

/// <summary>One segment of a generated scene: a thing instance or the whole region of one stuff class.</summary>
internal sealed record SyntheticSegment(int Id, int ClassId, long Area, int X0, int Y0, int X1, int Y1);

/// <summary>
/// A generated scene: the RGB picture and, for every pixel, its class and its segment id (1.., never 0: the
/// generator leaves no void). Segments are listed things first in drawing order, then stuff in class order.
/// </summary>
internal sealed class SyntheticScene(int size, byte[] rgb, byte[] classes, int[] segmentIds, List<SyntheticSegment> segments)
{
    public int Size { get; } = size;

    public byte[] Rgb { get; } = rgb;

    public byte[] Classes { get; } = classes;

    public int[] SegmentIds { get; } = segmentIds;

    public List<SyntheticSegment> Segments { get; } = segments;

    /// <summary>Shape pixels painted over by a later shape (a measure of occlusion, for tests).</summary>
    public int OccludedPixels { get; init; }

    /// <summary>The 0/1 mask of one segment, row-major.</summary>
    public byte[] Mask(int segmentId)
    {
        var mask = new byte[SegmentIds.Length];
        for (var i = 0; i < mask.Length; i++) mask[i] = SegmentIds[i] == segmentId ? (byte)1 : (byte)0;
        return mask;
    }
}
