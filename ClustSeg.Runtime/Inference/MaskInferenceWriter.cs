using System.Text.Json;
using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Runtime.Models;

namespace ClustSeg.Runtime.Inference;

/// <summary>
/// Turns predictions into the files the evaluators and the reference tools read, image by image (nothing but the
/// instance results and the panoptic segment lists stays in memory). Into <see cref="OutputFolder"/>:
/// semantic: <c>NAME.png</c> (8-bit labels, the class's category id) and <c>NAME_overlay.png</c>;
/// instance: <c>instances_results.json</c> (COCO results, RLE) and <c>NAME_overlay.png</c>;
/// panoptic: <c>panoptic.json</c> with <c>panoptic/NAME.png</c> (COCO panoptic) and <c>NAME_overlay.png</c>.
/// Call <see cref="Finish"/> once every image is added.
/// </summary>
public sealed class MaskInferenceWriter
{
    /// <summary>The instance results file written by <see cref="Finish"/>.</summary>
    public const string InstanceResultsFile = "instances_results.json";

    /// <summary>The panoptic JSON written by <see cref="Finish"/>; its PNGs go to the folder named like it.</summary>
    public const string PanopticJsonFile = "panoptic.json";

    /// <summary>Detections drawn in the instance overlay must score at least this.</summary>
    public const double OverlayScore = 0.5;

    private readonly IReadOnlyList<CocoCategory> _categories;
    private readonly List<CocoInstanceResult> _instances = [];
    private readonly List<(CocoImageInfo Image, string FileName, List<PanopticSegmentInfo> Segments)> _panoptic = [];

    /// <summary>Prepares writing <paramref name="task"/> results of <paramref name="model"/>.</summary>
    /// <param name="model">The model (class names and thing classes).</param>
    /// <param name="task">Which post-processing and files.</param>
    /// <param name="outputFolder">Created if missing.</param>
    /// <param name="categoryIds">The category id written for each model class (a dataset's ids); default: the class id.</param>
    public MaskInferenceWriter(ClustSegModel model, ClustSegTask task, string outputFolder, IReadOnlyList<int>? categoryIds = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(outputFolder);
        if (categoryIds is not null && categoryIds.Count != model.Classes)
            throw new ArgumentException($"{categoryIds.Count} category ids for {model.Classes} classes.", nameof(categoryIds));
        CheckTask(model, task);
        Model = model;
        Task = task;
        OutputFolder = outputFolder;
        CategoryIds = categoryIds ?? Enumerable.Range(0, model.Classes).ToArray();
        if (task == ClustSegTask.Semantic && CategoryIds.Any(id => id is < 0 or >= SemanticLabelFolder.IgnoreLabel))
            throw new ArgumentException("Semantic label PNGs store category ids 0..254.", nameof(categoryIds));
        _categories = model.ClassNames.Select((name, k) => new CocoCategory(CategoryIds[k], name, k < ThingClasses)).ToList();
        Directory.CreateDirectory(outputFolder);
    }

    /// <summary>The model.</summary>
    public ClustSegModel Model { get; }

    /// <summary>Whether each picture also gets a <c>NAME_overlay.png</c> (default); scoring alone does not need them.</summary>
    public bool WriteOverlays { get; init; } = true;

    /// <summary>The task written.</summary>
    public ClustSegTask Task { get; }

    /// <summary>Where the files go.</summary>
    public string OutputFolder { get; }

    /// <summary>Category id per model class.</summary>
    public IReadOnlyList<int> CategoryIds { get; }

    // The model's thing classes. An instance model trained on panoptic data (synth, COCO panoptic) knows its stuff
    // classes too, and only its things are instances; one that declares no things treats every class as one.
    private int ThingClasses => Model.Task == ClustSegTask.Instance && Model.Things == 0 ? Model.Classes : Model.Things;

    /// <summary>
    /// Checks that a checkpoint's model can do <paramref name="task"/>: semantic needs a semantic model (one centre
    /// per class); instance an instance or panoptic model (with thing classes); panoptic a panoptic model.
    /// </summary>
    /// <exception cref="Errors.ClustSegException">It cannot.</exception>
    public static void CheckTask(ClustSegModel model, ClustSegTask task)
    {
        ArgumentNullException.ThrowIfNull(model);
        var ok = task switch
        {
            ClustSegTask.Semantic => model.Task == ClustSegTask.Semantic,
            ClustSegTask.Instance => model.Task == ClustSegTask.Instance || model.Task == ClustSegTask.Panoptic && model.Things > 0,
            _ => model.Task == ClustSegTask.Panoptic,
        };
        if (!ok)
            throw new Errors.ClustSegException($"A {model.Task.Name()} model cannot do {task.Name()} inference.",
                $"Use --task {model.Task.Name()} (the checkpoint's own task), or a checkpoint trained for {task.Name()}.");
    }

    /// <summary>Post-processes and writes one picture's prediction.</summary>
    /// <param name="imageId">The image id written into the COCO files.</param>
    /// <param name="name">Relative output name without extension (e.g. the image file's stem).</param>
    /// <param name="fileName">The image's file name, recorded in the panoptic JSON's images.</param>
    /// <param name="image">The picture (for the overlay).</param>
    /// <param name="prediction">The model's prediction for it.</param>
    /// <returns>A one-line summary.</returns>
    public string Add(long imageId, string name, string fileName, RgbImage image, MaskPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(prediction);
        var overlay = Path.Combine(OutputFolder, name + "_overlay.png");
        switch (Task)
        {
            case ClustSegTask.Semantic:
            {
                var labels = SemanticPostProcessor.Labels(prediction);
                var stored = labels.Select(c => (byte)CategoryIds[c]).ToArray();
                SemanticLabelFolder.WriteLabels(Path.Combine(OutputFolder, name + ".png"), new SemanticLabelMap(image.Width, image.Height, stored));
                if (WriteOverlays) Save(overlay, InferenceOverlay.Draw(image, labels.Select(c => (int)c).ToArray(), InferenceOverlay.Colour));
                return $"{labels.Distinct().Count()} classes present";
            }
            case ClustSegTask.Instance:
            {
                var detections = InstancePostProcessor.Detect(prediction, ThingClasses);
                foreach (var d in detections)
                {
                    var rle = Rle.Encode(d.Mask, image.Height, image.Width);
                    _instances.Add(new CocoInstanceResult(imageId, CategoryIds[d.ClassId], d.Score, rle, rle.Area));
                }
                var shown = detections.Where(d => d.Score >= OverlayScore).ToList();
                if (WriteOverlays) Save(overlay, InferenceOverlay.Draw(image, InstanceRegions(shown, image.Width * image.Height), InferenceOverlay.Colour));
                return $"{detections.Count} detections, {shown.Count} scoring >= {OverlayScore}";
            }
            default:
            {
                var result = PanopticPostProcessor.Segment(prediction, ThingClasses);
                var pngName = name + ".png";
                var map = new PanopticSegmentMap(image.Width, image.Height, result.SegmentIds);
                PngEncoder.Write(Path.Combine(PanopticFolder, pngName), map.ToPng());
                _panoptic.Add((new CocoImageInfo(imageId, fileName, image.Width, image.Height), pngName, SegmentInfos(result)));
                if (WriteOverlays)
                {
                    var regions = result.SegmentIds.Select(id => id - 1).ToArray();
                    Save(overlay, InferenceOverlay.Draw(image, regions, s => InferenceOverlay.Colour(result.Segments[s].IsThing ? 1000 + s : result.Segments[s].ClassId)));
                }
                return $"{result.Segments.Count} segments ({result.Segments.Count(s => s.IsThing)} things)";
            }
        }
    }

    /// <summary>The folder of the panoptic PNGs.</summary>
    public string PanopticFolder => Path.Combine(OutputFolder, Path.GetFileNameWithoutExtension(PanopticJsonFile));

    /// <summary>Writes the JSON files of instance and panoptic results (atomically); nothing for semantic.</summary>
    public void Finish()
    {
        if (Task == ClustSegTask.Instance) CocoWriters.WriteInstanceResults(Path.Combine(OutputFolder, InstanceResultsFile), _instances);
        if (Task == ClustSegTask.Panoptic) WritePanopticJson(Path.Combine(OutputFolder, PanopticJsonFile));
    }

    private List<PanopticSegmentInfo> SegmentInfos(PanopticResult result)
    {
        var boxes = new (int X0, int Y0, int X1, int Y1, long Area)[result.Segments.Count + 1];
        for (var y = 0; y < result.Height; y++)
        {
            for (var x = 0; x < result.Width; x++)
            {
                var id = result.SegmentIds[y * result.Width + x];
                if (id == 0) continue;
                var b = boxes[id];
                boxes[id] = b.Area == 0 ? (x, y, x, y, 1) : (Math.Min(b.X0, x), Math.Min(b.Y0, y), Math.Max(b.X1, x), Math.Max(b.Y1, y), b.Area + 1);
            }
        }
        return result.Segments.Select(s =>
        {
            var b = boxes[s.Id];
            return new PanopticSegmentInfo(s.Id, CategoryIds[s.ClassId], false, b.Area, [b.X0, b.Y0, b.X1 - b.X0 + 1, b.Y1 - b.Y0 + 1]);
        }).ToList();
    }

    private void WritePanopticJson(string path) => CocoJsonWriter.WritePanopticJson(path, _categories, _panoptic);

    /// <summary>Per pixel, the index of the detection drawn there (-1: none); larger masks first, so smaller ones stay visible on top.</summary>
    private static int[] InstanceRegions(IReadOnlyList<InstanceDetection> shown, int pixels)
    {
        var regions = new int[pixels];
        Array.Fill(regions, -1);
        foreach (var (d, n) in shown.Select((d, n) => (d, n)).OrderByDescending(x => x.d.Mask.Count(v => v != 0)))
            for (var i = 0; i < regions.Length; i++)
                if (d.Mask[i] != 0) regions[i] = n;
        return regions;
    }

    private static void Save(string path, RgbImage image) => PngEncoder.Write(path, PngImage.FromRgb8(image.Width, image.Height, image.Pixels));
}
