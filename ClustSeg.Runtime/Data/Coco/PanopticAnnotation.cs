namespace ClustSeg.Runtime.Data.Coco;

/// <summary>One segment of a COCO panoptic annotation ("segments_info" entry).</summary>
/// <param name="Id">Segment id, encoded in the PNG as R + 256 G + 256^2 B.</param>
/// <param name="CategoryId">Category of the segment.</param>
/// <param name="IsCrowd">True for crowd regions (ignored by matching; they absorb false positives).</param>
/// <param name="Area">Pixel count from the JSON ("area"); 0 when the file leaves it out.</param>
/// <param name="Bbox">Optional [x, y, w, h].</param>
public sealed record PanopticSegmentInfo(int Id, int CategoryId, bool IsCrowd, long Area, double[]? Bbox = null);

/// <summary>A COCO panoptic annotation: the PNG file of one image and its segments.</summary>
/// <param name="ImageId">The image this annotation belongs to.</param>
/// <param name="FileName">PNG file name, relative to the segmentation folder.</param>
/// <param name="Segments">The segments, in file order.</param>
public sealed record PanopticAnnotation(long ImageId, string FileName, IReadOnlyList<PanopticSegmentInfo> Segments);
