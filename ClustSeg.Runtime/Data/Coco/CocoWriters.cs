using System.Text.Json;

namespace ClustSeg.Runtime.Data.Coco;

/// <summary>
/// Writes COCO files that the readers here and the reference tools read: instance results, instance ground truth,
/// and panoptic sets (PNG + JSON). Files are written atomically.
/// </summary>
public static class CocoWriters
{
    /// <summary>
    /// Writes an instance-segmentation results file: a list of {image_id, category_id, score, segmentation} with
    /// compressed RLE. No "bbox" is written, so pycocotools (and <see cref="CocoInstanceResults.Load"/>) take each
    /// detection's area from its mask, matching what an in-memory evaluation uses.
    /// </summary>
    public static void WriteInstanceResults(string path, IEnumerable<CocoInstanceResult> results) =>
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, CocoJsonWriter.Options);
            json.WriteStartArray();
            foreach (var r in results)
            {
                json.WriteStartObject();
                json.WriteNumber("image_id", r.ImageId);
                json.WriteNumber("category_id", r.CategoryId);
                json.WriteNumber("score", r.Score);
                CocoJsonWriter.WriteRle(json, "segmentation", r.Mask, compressed: true);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        });

    /// <summary>
    /// Writes an instance ground-truth file. Masks are stored as RLE (uncompressed counts for crowd regions, as COCO
    /// does, compressed otherwise) with "area" = the mask's pixel count and "bbox" from the mask.
    /// </summary>
    public static void WriteInstances(string path, IEnumerable<CocoImageInfo> images, IEnumerable<CocoCategory> categories,
        IEnumerable<(long Id, long ImageId, int CategoryId, Rle Mask, bool IsCrowd)> annotations) =>
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, CocoJsonWriter.Options);
            json.WriteStartObject();
            CocoJsonWriter.WriteImages(json, images);
            CocoJsonWriter.WriteCategories(json, categories);
            json.WriteStartArray("annotations");
            foreach (var a in annotations)
            {
                json.WriteStartObject();
                json.WriteNumber("id", a.Id);
                json.WriteNumber("image_id", a.ImageId);
                json.WriteNumber("category_id", a.CategoryId);
                CocoJsonWriter.WriteRle(json, "segmentation", a.Mask, compressed: !a.IsCrowd);
                json.WriteNumber("area", a.Mask.Area);
                CocoJsonWriter.WriteNumbers(json, "bbox", a.Mask.ToBbox());
                json.WriteNumber("iscrowd", a.IsCrowd ? 1 : 0);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });

    /// <summary>
    /// Writes a panoptic set: one RGB PNG per image into <paramref name="pngFolder"/> (named after the image file
    /// with ".png") and the JSON with images, categories and annotations. Each segment's "area" and "bbox" are
    /// computed from its map, and segments without pixels are rejected, so the output always passes the readers' checks.
    /// </summary>
    /// <exception cref="ArgumentException">A segment has no pixels, or the map has ids not listed.</exception>
    public static void WritePanoptic(string jsonPath, string pngFolder, IEnumerable<CocoCategory> categories,
        IEnumerable<(CocoImageInfo Image, PanopticSegmentMap Map, IReadOnlyList<(int Id, int CategoryId, bool IsCrowd)> Segments)> images)
    {
        var imageList = images.ToList();
        var annotations = new List<(CocoImageInfo Image, string FileName, List<PanopticSegmentInfo> Segments)>();
        foreach (var (image, map, segments) in imageList)
        {
            var fileName = Path.GetFileNameWithoutExtension(image.FileName.Length > 0 ? image.FileName : image.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) + ".png";
            var infos = SegmentInfos(image, map, segments);
            Imaging.Png.PngEncoder.Write(Path.Combine(pngFolder, fileName), map.ToPng());
            annotations.Add((image, fileName, infos));
        }
        CocoJsonWriter.WritePanopticJson(jsonPath, categories, annotations);
    }

    private static List<PanopticSegmentInfo> SegmentInfos(CocoImageInfo image, PanopticSegmentMap map, IReadOnlyList<(int Id, int CategoryId, bool IsCrowd)> segments)
    {
        if (map.Width != image.Width || map.Height != image.Height)
            throw new ArgumentException($"Image {image.Id}: map is {map.Width}x{map.Height}, image entry says {image.Width}x{image.Height}.");
        var boxes = new Dictionary<int, (int X0, int Y0, int X1, int Y1, long Area)>();
        for (var y = 0; y < map.Height; y++)
            for (var x = 0; x < map.Width; x++)
            {
                var id = map.Ids[y * map.Width + x];
                if (id == 0) continue;
                boxes[id] = boxes.TryGetValue(id, out var b)
                    ? (Math.Min(b.X0, x), Math.Min(b.Y0, y), Math.Max(b.X1, x), Math.Max(b.Y1, y), b.Area + 1)
                    : (x, y, x, y, 1);
            }
        var listed = segments.Select(s => s.Id).ToHashSet();
        var unlisted = boxes.Keys.Where(id => !listed.Contains(id)).ToList();
        if (unlisted.Count > 0) throw new ArgumentException($"Image {image.Id}: segment ids {string.Join(", ", unlisted)} are in the map but not listed.");
        return segments.Select(s =>
        {
            if (!boxes.TryGetValue(s.Id, out var b)) throw new ArgumentException($"Image {image.Id}: segment {s.Id} has no pixels in the map.");
            return new PanopticSegmentInfo(s.Id, s.CategoryId, s.IsCrowd, b.Area, [b.X0, b.Y0, b.X1 - b.X0 + 1, b.Y1 - b.Y0 + 1]);
        }).ToList();
    }
}
