using System.Globalization;
using System.Text.Json;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Imaging.Png;

namespace ClustSeg.Runtime.Data.Synthetic;

/// <summary>Settings of a generated dataset.</summary>
/// <param name="Images">Number of images over both splits.</param>
/// <param name="Size">Width and height of every image in pixels.</param>
/// <param name="Seed">Seed; the same seed and settings give byte-identical files.</param>
/// <param name="ValFraction">Share of the images (the last ones) that form the val split.</param>
public sealed record SyntheticDatasetOptions(int Images, int Size = 128, ulong Seed = 0, double ValFraction = 0.1);

/// <summary>What <see cref="SyntheticDataset.Generate"/> wrote.</summary>
/// <param name="Root">The output folder.</param>
/// <param name="TrainImages">Images in the train split.</param>
/// <param name="ValImages">Images in the val split.</param>
/// <param name="ThingSegments">Thing instances over both splits.</param>
public sealed record SyntheticDatasetSummary(string Root, int TrainImages, int ValImages, long ThingSegments);

/// <summary>
/// Generates a segmentation dataset of textured shapes (things) over textured background regions (stuff) and writes
/// it in three formats at once. Layout under the output folder, for each split ("train", "val"):
/// <c>SPLIT/images/NNNNNN.png</c> (RGB), <c>SPLIT/semantic/NNNNNN.png</c> (grey class ids, see
/// <c>classes.txt</c>), <c>SPLIT/panoptic.json</c> with <c>SPLIT/panoptic/NNNNNN.png</c> (COCO panoptic), and
/// <c>SPLIT/instances.json</c> (COCO instances, things only, compressed RLE). Class ids follow
/// <see cref="SyntheticClasses"/> (things first); COCO category ids are class id + 1. Image ids are 1..N over both
/// splits; image i depends only on the seed and i.
/// </summary>
public static class SyntheticDataset
{
    /// <summary>The class list file (one name per line, line k = class id k) at the root.</summary>
    public const string ClassListFile = "classes.txt";

    /// <summary>The split names, in order.</summary>
    public static IReadOnlyList<string> Splits { get; } = ["train", "val"];

    /// <summary>The COCO categories written to the panoptic and (things only) instance files.</summary>
    public static IReadOnlyList<CocoCategory> Categories { get; } =
        SyntheticClasses.All.Select(c => new CocoCategory(c.Id + 1, c.Name, c.IsThing, c.IsThing ? "shape" : "texture", c.Color)).ToList();

    private static string ClassListText => string.Join('\n', SyntheticClasses.All.Select(c => c.Name)) + "\n";

    /// <summary>
    /// Writes the dataset into <paramref name="root"/>: created if needed; an earlier generated dataset there is
    /// replaced whole (so no files of a larger earlier run linger), anything else in the way is an error.
    /// </summary>
    /// <param name="root">Output folder.</param>
    /// <param name="options">Size, count, seed and split.</param>
    /// <param name="progress">Called with (images done, total) as images are written, from worker threads.</param>
    /// <exception cref="ArgumentException">A setting is out of range, or <paramref name="root"/> holds split folders not written by this generator.</exception>
    public static SyntheticDatasetSummary Generate(string root, SyntheticDatasetOptions options, Action<int, int>? progress = null)
    {
        if (options.Images < 1) throw new ArgumentException($"The image count must be at least 1 (got {options.Images}).", nameof(options));
        if (options.Size is < 16 or > 4096) throw new ArgumentException($"The image size must be 16..4096 pixels (got {options.Size}).", nameof(options));
        if (options.ValFraction is < 0 or >= 1) throw new ArgumentException($"The val fraction must be in [0, 1) (got {options.ValFraction}).", nameof(options));
        var valCount = (int)Math.Round(options.Images * options.ValFraction);
        if (options.ValFraction > 0 && valCount == 0 && options.Images > 1) valCount = 1;
        var trainCount = options.Images - valCount;

        PrepareFolder(root);
        File.WriteAllText(Path.Combine(root, ClassListFile), ClassListText);
        var segments = new List<SyntheticSegment>[options.Images];
        var masks = new Rle[options.Images][];
        foreach (var split in Splits)
            foreach (var folder in new[] { "images", "semantic", "panoptic" })
                Directory.CreateDirectory(Path.Combine(root, split, folder));

        var done = 0;
        Parallel.For(0, options.Images, i =>
        {
            var scene = SyntheticSceneRenderer.Render(options.Size, TrainingRandom.Derive(options.Seed, i));
            var folder = Path.Combine(root, i < trainCount ? Splits[0] : Splits[1]);
            var name = FileStem(i) + ".png";
            PngEncoder.Write(Path.Combine(folder, "images", name), PngImage.FromRgb8(scene.Size, scene.Size, scene.Rgb));
            SemanticLabelFolder.WriteLabels(Path.Combine(folder, "semantic", name), new SemanticLabelMap(scene.Size, scene.Size, scene.Classes));
            PngEncoder.Write(Path.Combine(folder, "panoptic", name), new PanopticSegmentMap(scene.Size, scene.Size, scene.SegmentIds).ToPng());
            segments[i] = scene.Segments;
            masks[i] = scene.Segments.Where(s => SyntheticClasses.All[s.ClassId].IsThing)
                .Select(s => Rle.Encode(scene.Mask(s.Id), scene.Size, scene.Size)).ToArray();
            progress?.Invoke(Interlocked.Increment(ref done), options.Images);
        });

        long things = 0;
        for (var s = 0; s < Splits.Count; s++)
        {
            var indices = s == 0 ? Enumerable.Range(0, trainCount) : Enumerable.Range(trainCount, valCount);
            var images = indices.Select(i => new CocoImageInfo(i + 1, FileStem(i) + ".png", options.Size, options.Size)).ToList();
            var folder = Path.Combine(root, Splits[s]);
            WritePanopticJson(Path.Combine(folder, "panoptic.json"), images, segments);
            var annotations = new List<(long, long, int, Rle, bool)>();
            foreach (var image in images)
            {
                var i = (int)image.Id - 1;
                var thingSegments = segments[i].Where(x => SyntheticClasses.All[x.ClassId].IsThing).ToList();
                for (var k = 0; k < thingSegments.Count; k++)
                    annotations.Add((annotations.Count + 1 + things, image.Id, thingSegments[k].ClassId + 1, masks[i][k], false));
            }
            CocoWriters.WriteInstances(Path.Combine(folder, "instances.json"), images, Categories.Where(c => c.IsThing), annotations);
            things += annotations.Count;
        }
        return new SyntheticDatasetSummary(root, trainCount, valCount, things);
    }

    private static void PrepareFolder(string root)
    {
        Directory.CreateDirectory(root);
        var splitFolders = Splits.Select(s => Path.Combine(root, s)).Where(Directory.Exists).ToList();
        if (splitFolders.Count == 0) return;
        var classList = Path.Combine(root, ClassListFile);
        if (!File.Exists(classList) || File.ReadAllText(classList) != ClassListText)
            throw new ArgumentException($"'{root}' already holds {string.Join(" and ", splitFolders.Select(Path.GetFileName))} folders that are not a generated dataset; choose an empty or new folder.");
        foreach (var folder in splitFolders) Directory.Delete(folder, recursive: true);
    }

    private static string FileStem(int index) => (index + 1).ToString("D6", CultureInfo.InvariantCulture);

    private static void WritePanopticJson(string path, List<CocoImageInfo> images, List<SyntheticSegment>[] segments) =>
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, CocoJsonWriter.Options);
            json.WriteStartObject();
            CocoJsonWriter.WriteImages(json, images);
            CocoJsonWriter.WriteCategories(json, Categories);
            json.WriteStartArray("annotations");
            foreach (var image in images)
            {
                json.WriteStartObject();
                json.WriteNumber("image_id", image.Id);
                json.WriteString("file_name", image.FileName);
                json.WriteStartArray("segments_info");
                foreach (var s in segments[image.Id - 1])
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", s.Id);
                    json.WriteNumber("category_id", s.ClassId + 1);
                    json.WriteNumber("iscrowd", 0);
                    json.WriteNumber("area", s.Area);
                    CocoJsonWriter.WriteNumbers(json, "bbox", [s.X0, s.Y0, s.X1 - s.X0 + 1, s.Y1 - s.Y0 + 1]);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
}
