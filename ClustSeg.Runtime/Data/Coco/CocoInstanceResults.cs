using System.Text.Json;

namespace ClustSeg.Runtime.Data.Coco;

/// <summary>One detection of a COCO results file, with its mask resolved.</summary>
/// <param name="ImageId">The image.</param>
/// <param name="CategoryId">Predicted category.</param>
/// <param name="Score">Confidence; higher ranks first.</param>
/// <param name="Mask">The predicted mask.</param>
/// <param name="Area">The area cocoeval assigns (see <see cref="CocoInstanceResults.Load"/>).</param>
public sealed record CocoInstanceResult(long ImageId, int CategoryId, double Score, Rle Mask, double Area);

/// <summary>Reads COCO instance-segmentation results files (a JSON list of detections).</summary>
public static class CocoInstanceResults
{
    /// <summary>
    /// Reads results for <paramref name="groundTruth"/>. As pycocotools' loadRes: every image_id must be one of the
    /// ground truth's images; if the first result carries a non-empty "bbox", every result's area is the box's
    /// w * h, otherwise it is the mask's pixel count (the area only decides which area range an unmatched detection
    /// is ignored in). Category ids must be in the ground truth's category list.
    /// </summary>
    /// <exception cref="DataFileException">The file is missing, malformed or does not match the ground truth.</exception>
    public static List<CocoInstanceResult> Load(string path, CocoInstancesDataset groundTruth)
    {
        var json = new CocoJson(path);
        using var document = CocoJson.Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Array) throw json.Error("root", "a results file must be a JSON list of detections.");
        var categoryIds = groundTruth.Categories.Select(c => c.Id).ToHashSet();
        var results = new List<CocoInstanceResult>();
        bool? areaFromBox = null;
        var n = 0;
        foreach (var item in root.EnumerateArray())
        {
            var at = $"[{n++}]";
            var imageId = json.Int64(json.Required(item, "image_id", at), at + ".image_id");
            var image = groundTruth.FindImage(imageId)
                ?? throw json.Error(at, $"image_id {imageId} is not an image of '{groundTruth.JsonPath}'; the results do not correspond to this ground truth.");
            var categoryId = json.Int32(json.Required(item, "category_id", at), at + ".category_id");
            if (!categoryIds.Contains(categoryId))
                throw json.Error(at, $"category_id {categoryId} is not a category of '{groundTruth.JsonPath}'.");
            var score = json.Double(json.Required(item, "score", at), at + ".score");
            var segmentation = CocoSegmentation.Parse(json, json.Required(item, "segmentation", at), at + ".segmentation");
            Rle mask;
            try
            {
                mask = segmentation.ToRle(image.Height, image.Width);
            }
            catch (ArgumentException e)
            {
                throw json.Error(at + ".segmentation", $"{e.Message} (image {imageId}).");
            }
            var box = json.Optional(item, "bbox") is { } b ? json.Doubles(b, at + ".bbox") : null;
            areaFromBox ??= box is { Length: > 0 };
            double area;
            if (areaFromBox.Value)
            {
                if (box is not { Length: 4 }) throw json.Error(at + ".bbox", "the first result has a bbox, so pycocotools takes every result's area from its [x, y, w, h] bbox; this one has none.");
                area = box[2] * box[3];
            }
            else
            {
                area = mask.Area;
            }
            results.Add(new CocoInstanceResult(imageId, categoryId, score, mask, area));
        }
        return results;
    }
}
