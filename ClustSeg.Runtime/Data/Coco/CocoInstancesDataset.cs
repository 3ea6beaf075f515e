using System.Text.Json;

namespace ClustSeg.Runtime.Data.Coco;

/// <summary>One COCO instance annotation.</summary>
/// <param name="Id">Annotation id (unique in the file).</param>
/// <param name="ImageId">The image it belongs to.</param>
/// <param name="CategoryId">Its category.</param>
/// <param name="Segmentation">Polygons or RLE.</param>
/// <param name="Area">The file's "area" (cocoeval uses this, not the mask's pixel count, for area ranges).</param>
/// <param name="IsCrowd">Crowd region: never a false negative, and detections matching it are ignored.</param>
/// <param name="Bbox">Optional [x, y, w, h].</param>
public sealed record CocoInstanceAnnotation(long Id, long ImageId, int CategoryId, CocoSegmentation Segmentation, double Area, bool IsCrowd, double[]? Bbox);

/// <summary>
/// A COCO instance-segmentation ground-truth file: images, categories and annotations with polygon or RLE masks.
/// Loading checks ids and references and decodes every segmentation, so errors surface before training or evaluation.
/// </summary>
public sealed class CocoInstancesDataset
{
    private readonly Dictionary<long, CocoImageInfo> _images;

    private CocoInstancesDataset(string path, List<CocoImageInfo> images, List<CocoCategory> categories, List<CocoInstanceAnnotation> annotations)
    {
        JsonPath = path;
        Images = images;
        Categories = categories;
        Annotations = annotations;
        _images = images.ToDictionary(i => i.Id);
    }

    /// <summary>The JSON file this was read from.</summary>
    public string JsonPath { get; }

    /// <summary>The "images" list, in file order.</summary>
    public IReadOnlyList<CocoImageInfo> Images { get; }

    /// <summary>The categories, in file order.</summary>
    public IReadOnlyList<CocoCategory> Categories { get; }

    /// <summary>The annotations, in file order.</summary>
    public IReadOnlyList<CocoInstanceAnnotation> Annotations { get; }

    /// <summary>Looks up an image by id.</summary>
    public CocoImageInfo? FindImage(long id) => _images.GetValueOrDefault(id);

    /// <summary>The annotation's mask for its image's size (pycocotools annToRLE).</summary>
    public Rle GetMask(CocoInstanceAnnotation annotation)
    {
        var image = FindImage(annotation.ImageId) ?? throw new ArgumentException($"Image {annotation.ImageId} is not in '{JsonPath}'.", nameof(annotation));
        return annotation.Segmentation.ToRle(image.Height, image.Width);
    }

    /// <summary>Reads and checks a COCO instances JSON.</summary>
    /// <exception cref="DataFileException">The file is missing, malformed or inconsistent; the message says where.</exception>
    public static CocoInstancesDataset Load(string path)
    {
        var json = new CocoJson(path);
        using var document = CocoJson.Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw json.Error("root", "expected a JSON object with images, annotations and categories.");
        var images = CocoImageInfo.ParseList(json, json.Required(root, "images", "root"));
        var categories = CocoCategory.ParseList(json, json.Required(root, "categories", "root"), "categories", defaultIsThing: true);
        var imageById = images.ToDictionary(i => i.Id);
        var categoryIds = categories.Select(c => c.Id).ToHashSet();
        var annotations = new List<CocoInstanceAnnotation>();
        var annotationIds = new HashSet<long>();
        var n = 0;
        foreach (var item in json.Array(json.Required(root, "annotations", "root"), "annotations"))
        {
            var at = $"annotations[{n++}]";
            var id = json.Int64(json.Required(item, "id", at), at + ".id");
            if (!annotationIds.Add(id)) throw json.Error(at, $"annotation id {id} appears more than once (pycocotools would silently keep only the last).");
            var imageId = json.Int64(json.Required(item, "image_id", at), at + ".image_id");
            if (!imageById.TryGetValue(imageId, out var image))
                throw json.Error(at, $"image_id {imageId} is not in the \"images\" list; the JSON does not match its images.");
            var categoryId = json.Int32(json.Required(item, "category_id", at), at + ".category_id");
            if (!categoryIds.Contains(categoryId)) throw json.Error(at, $"category_id {categoryId} is not in the category list.");
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
            var isCrowd = json.Optional(item, "iscrowd") is { } crowd && json.Flag(crowd, at + ".iscrowd");
            // cocoeval reads "area" from the file; when a file omits it the mask's pixel count is the only sensible value.
            var area = json.Optional(item, "area") is { } a ? json.Double(a, at + ".area") : mask.Area;
            var bbox = json.Optional(item, "bbox") is { } b ? json.Doubles(b, at + ".bbox") : null;
            annotations.Add(new CocoInstanceAnnotation(id, imageId, categoryId, segmentation, area, isCrowd, bbox));
        }
        return new CocoInstancesDataset(path, images, categories, annotations);
    }
}
