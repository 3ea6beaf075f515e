using System.Text.Json;

namespace ClustSeg.Runtime.Data.Coco;

/// <summary>
/// A COCO panoptic dataset or prediction set: the JSON (images, annotations with segments_info, categories) and the
/// folder of RGB segment-id PNGs. Loading checks the JSON's structure and references; <see cref="ReadSegmentMap"/>
/// checks each PNG against its annotation (size, ids present in both, categories known).
/// </summary>
public sealed class CocoPanopticDataset
{
    private readonly Dictionary<long, CocoImageInfo> _imagesById;
    private readonly Dictionary<int, CocoCategory> _categoriesById;

    private CocoPanopticDataset(string jsonPath, string segmentationFolder, List<CocoImageInfo> images,
        List<PanopticAnnotation> annotations, List<CocoCategory> categories)
    {
        JsonPath = jsonPath;
        SegmentationFolder = segmentationFolder;
        Images = images;
        Annotations = annotations;
        Categories = categories;
        _imagesById = images.ToDictionary(i => i.Id);
        _categoriesById = categories.ToDictionary(c => c.Id);
    }

    /// <summary>The JSON file this set was read from.</summary>
    public string JsonPath { get; }

    /// <summary>Folder holding the segment-id PNGs.</summary>
    public string SegmentationFolder { get; }

    /// <summary>The "images" list (empty for prediction files that omit it).</summary>
    public IReadOnlyList<CocoImageInfo> Images { get; }

    /// <summary>The annotations, in file order.</summary>
    public IReadOnlyList<PanopticAnnotation> Annotations { get; }

    /// <summary>The categories, in file order (or the ones supplied to <see cref="Load"/>).</summary>
    public IReadOnlyList<CocoCategory> Categories { get; }

    /// <summary>Looks up a category by id.</summary>
    public CocoCategory? FindCategory(int id) => _categoriesById.GetValueOrDefault(id);

    /// <summary>Looks up an image entry by id.</summary>
    public CocoImageInfo? FindImage(long id) => _imagesById.GetValueOrDefault(id);

    /// <summary>
    /// Reads a panoptic JSON. <paramref name="segmentationFolder"/> defaults to the JSON path without ".json" (as
    /// panopticapi does). <paramref name="categories"/> overrides the file's categories (prediction files carry none;
    /// pass the ground truth's). When categories are known every segment's category_id must be among them.
    /// </summary>
    /// <exception cref="DataFileException">The JSON is missing, malformed or inconsistent; the message says where.</exception>
    public static CocoPanopticDataset Load(string jsonPath, string? segmentationFolder = null, IReadOnlyList<CocoCategory>? categories = null)
    {
        segmentationFolder ??= jsonPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? jsonPath[..^5] : jsonPath + "_png";
        if (!Directory.Exists(segmentationFolder))
            throw new DataFileException(segmentationFolder, $"the folder of panoptic PNGs for '{jsonPath}' does not exist. Pass the folder explicitly.");
        var json = new CocoJson(jsonPath);
        using var document = CocoJson.Parse(jsonPath);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw json.Error("root", "expected a JSON object with \"annotations\".");

        var images = json.Optional(root, "images") is { } imagesJson ? CocoImageInfo.ParseList(json, imagesJson) : [];
        var categoryList = categories?.ToList()
            ?? (json.Optional(root, "categories") is { } c ? CocoCategory.ParseList(json, c, "categories", defaultIsThing: false) : []);
        var knownCategories = categoryList.Select(x => x.Id).ToHashSet();
        var imageIds = images.Select(x => x.Id).ToHashSet();

        var annotations = new List<PanopticAnnotation>();
        var annotatedImages = new HashSet<long>();
        var i = 0;
        foreach (var item in json.Array(json.Required(root, "annotations", "root"), "annotations"))
        {
            var at = $"annotations[{i++}]";
            var imageId = json.Int64(json.Required(item, "image_id", at), at + ".image_id");
            if (!annotatedImages.Add(imageId)) throw json.Error(at, $"image {imageId} has more than one annotation.");
            if (images.Count > 0 && !imageIds.Contains(imageId))
                throw json.Error(at, $"image_id {imageId} is not in the \"images\" list; the JSON does not match its images.");
            var fileName = json.String(json.Required(item, "file_name", at), at + ".file_name");
            var segments = new List<PanopticSegmentInfo>();
            var segmentIds = new HashSet<int>();
            var s = 0;
            foreach (var segment in json.Array(json.Required(item, "segments_info", at), at + ".segments_info"))
            {
                var sat = $"{at}.segments_info[{s++}]";
                var id = json.Int32(json.Required(segment, "id", sat), sat + ".id");
                if (id is <= 0 or >= 1 << 24) throw json.Error(sat, $"segment id {id} must be in 1..16777215 (0 is void).");
                if (!segmentIds.Add(id)) throw json.Error(sat, $"segment id {id} appears twice in image {imageId}.");
                var categoryId = json.Int32(json.Required(segment, "category_id", sat), sat + ".category_id");
                if (knownCategories.Count > 0 && !knownCategories.Contains(categoryId))
                    throw json.Error(sat, $"category_id {categoryId} of segment {id} in image {imageId} is not in the category list.");
                var isCrowd = json.Optional(segment, "iscrowd") is { } crowd && json.Flag(crowd, sat + ".iscrowd");
                var area = json.Optional(segment, "area") is { } a ? json.Int64(a, sat + ".area") : 0;
                var bbox = json.Optional(segment, "bbox") is { } b ? json.Doubles(b, sat + ".bbox") : null;
                segments.Add(new PanopticSegmentInfo(id, categoryId, isCrowd, area, bbox));
            }
            annotations.Add(new PanopticAnnotation(imageId, fileName, segments));
        }
        return new CocoPanopticDataset(jsonPath, segmentationFolder, images, annotations, categoryList);
    }

    /// <summary>The annotation of an image, or null.</summary>
    public PanopticAnnotation? FindAnnotation(long imageId) => Annotations.FirstOrDefault(a => a.ImageId == imageId);

    /// <summary>
    /// Reads the PNG of <paramref name="annotation"/> and checks it: the size matches the image entry (when present),
    /// every non-void id in the PNG is listed in segments_info, and every listed segment has pixels.
    /// </summary>
    /// <exception cref="DataFileException">The PNG is missing, corrupt or disagrees with the JSON.</exception>
    public PanopticSegmentMap ReadSegmentMap(PanopticAnnotation annotation)
    {
        var path = Path.Combine(SegmentationFolder, annotation.FileName);
        if (!File.Exists(path))
            throw new DataFileException(path, $"the panoptic PNG of image {annotation.ImageId} listed in '{JsonPath}' does not exist.");
        var map = PanopticSegmentMap.Read(path);
        if (FindImage(annotation.ImageId) is { } image && (image.Width != map.Width || image.Height != map.Height))
            throw new DataFileException(path, $"PNG is {map.Width}x{map.Height} but '{JsonPath}' says image {annotation.ImageId} is {image.Width}x{image.Height}.");
        var areas = map.CountAreas();
        var listed = annotation.Segments.Select(s => s.Id).ToHashSet();
        var unlisted = areas.Keys.Where(id => id != 0 && !listed.Contains(id)).Order().ToList();
        if (unlisted.Count > 0)
            throw new DataFileException(path, $"segment ids {string.Join(", ", unlisted.Take(10))} are in the PNG but not in segments_info of image {annotation.ImageId} in '{JsonPath}'.");
        var missing = annotation.Segments.Where(s => !areas.ContainsKey(s.Id)).Select(s => s.Id).ToList();
        if (missing.Count > 0)
            throw new DataFileException(path, $"segment ids {string.Join(", ", missing.Take(10))} are listed in '{JsonPath}' for image {annotation.ImageId} but have no pixels in the PNG.");
        return map;
    }

    /// <summary>Reads and checks every PNG (see <see cref="ReadSegmentMap"/>); run before training on a new dataset.</summary>
    public void Validate()
    {
        foreach (var annotation in Annotations) ReadSegmentMap(annotation);
    }
}
