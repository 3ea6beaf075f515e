using System.Collections.Concurrent;
using ClustSeg.Runtime.Data.Synthetic;

namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// A dataset opened for training in any supported format, seen as samples of (RGB image, semantic labels with
/// 255 = ignore, mask targets with class ids and crowd flags). Open it with a FORMAT:PATH spec, then call
/// <see cref="Validate"/> before training so broken files are reported (file and problem) before any step runs.
/// </summary>
public sealed class TrainingDataset
{
    /// <summary>The semantic label that marks pixels excluded from the losses.</summary>
    public const byte IgnoreLabel = 255;

    /// <summary>The formats <see cref="Open"/> understands.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["coco-panoptic", "coco-instances", "semantic", "synth"];

    private readonly TrainingSource _source;

    private TrainingDataset(string format, TrainingSource source)
    {
        Format = format;
        _source = source;
    }

    /// <summary>The format part of the spec.</summary>
    public string Format { get; }

    /// <summary>Format and path, for messages and logs.</summary>
    public string Description => _source.Description;

    /// <summary>The classes; a sample's labels and mask targets index into this list.</summary>
    public IReadOnlyList<TrainingClass> Classes => _source.Classes;

    /// <summary>Ids of the thing classes, ascending (for checkpoint metadata and panoptic inference).</summary>
    public IReadOnlyList<int> ThingClassIds => Enumerable.Range(0, Classes.Count).Where(k => Classes[k].IsThing).ToList();

    /// <summary>Number of samples.</summary>
    public int Count => _source.Count;

    /// <summary>The image file of sample <paramref name="index"/>.</summary>
    public string ImagePath(int index) => _source.ImagePath(index);

    /// <summary>The image id of sample <paramref name="index"/> in the annotation JSON (COCO formats and synth), else index + 1.</summary>
    public long ImageId(int index) => _source.ImageId(index);

    /// <summary>The COCO JSON the samples come from (coco-panoptic, coco-instances, synth), or null (semantic folders).</summary>
    public string? AnnotationFile => _source.AnnotationFile;

    /// <summary>
    /// COCO instances ground truth of the same images, for instance evaluation: the annotation file itself for
    /// coco-instances; for synth, the split's instances.json, which <see cref="SyntheticDataset.Generate"/> writes with
    /// the panoptic files' image and category ids; else null.
    /// </summary>
    public string? InstancesFile
    {
        get
        {
            if (Format == "coco-instances") return AnnotationFile;
            if (Format != "synth") return null;
            var file = Path.Combine(Path.GetDirectoryName(AnnotationFile!)!, "instances.json");
            return File.Exists(file) ? file : null;
        }
    }

    /// <summary>
    /// Opens a dataset from "FORMAT:PATH":
    /// <c>coco-panoptic:</c> a panoptic JSON (PNGs in the folder named like it) or a folder holding panoptic.json;
    /// <c>coco-instances:</c> an instances JSON or a folder holding instances.json;
    /// <c>semantic:</c> a label-PNG folder (ADE20K, VOC, Cityscapes labelTrainIds, or images/ + semantic/ + classes.txt);
    /// <c>synth:</c> the root written by <see cref="SyntheticDataset.Generate"/> (its panoptic files for <paramref name="split"/>).
    /// </summary>
    /// <param name="spec">FORMAT:PATH.</param>
    /// <param name="split">Split subfolder used where a layout has splits (synth, ADE20K, Cityscapes, semantic).</param>
    /// <param name="imageFolder">Image folder for COCO JSONs; by default looked for next to the JSON (images/, input_images/, or
    /// the folder named like the JSON without "panoptic_"/"instances_", beside it or one level up).</param>
    /// <exception cref="DataFileException">The spec is malformed, or the annotation files are missing or inconsistent.</exception>
    public static TrainingDataset Open(string spec, string split = "train", string? imageFolder = null)
    {
        var colon = spec.IndexOf(':');
        var format = colon > 0 ? spec[..colon].ToLowerInvariant() : "";
        if (!Formats.Contains(format))
            throw new DataFileException(spec, $"unknown dataset format '{format}'. Write FORMAT:PATH with FORMAT one of {string.Join(", ", Formats)}, " +
                "e.g. coco-panoptic:annotations/panoptic_val2017.json.");
        var path = spec[(colon + 1)..];
        if (path.Length == 0) throw new DataFileException(spec, "the dataset path after the format is empty.");
        TrainingSource source = format switch
        {
            "coco-panoptic" => new CocoPanopticSource(JsonIn(path, "panoptic.json"), imageFolder),
            "coco-instances" => new CocoInstancesSource(JsonIn(path, "instances.json"), imageFolder),
            "semantic" => new SemanticFolderSource(path, split),
            _ => new CocoPanopticSource(SynthJson(path, split), imageFolder),
        };
        return new TrainingDataset(format, source);
    }

    /// <summary>Reads sample <paramref name="index"/>.</summary>
    /// <exception cref="DataFileException">One of its files is missing, corrupt or inconsistent.</exception>
    public TrainingSample Load(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset has {Count} samples.");
        return _source.Load(index);
    }

    /// <summary>
    /// Reads and checks every sample (images decoded, annotation files against their JSON, label values against the
    /// class list, sizes against each other), using all cores. Throws once, listing every broken sample.
    /// </summary>
    /// <param name="progress">Called with (samples checked, total), from worker threads.</param>
    /// <exception cref="TrainingDataValidationException">At least one sample is broken.</exception>
    public void Validate(Action<int, int>? progress = null)
    {
        if (Count == 0) throw new TrainingDataValidationException(Description, [new TrainingDataProblem(Description, "the dataset has no samples.")]);
        var problems = new ConcurrentBag<(int Index, TrainingDataProblem Problem)>();
        var done = 0;
        Parallel.For(0, Count, i =>
        {
            try
            {
                _source.Load(i);
            }
            catch (DataFileException e)
            {
                problems.Add((i, new TrainingDataProblem(e.FileName, e.Problem)));
            }
            progress?.Invoke(Interlocked.Increment(ref done), Count);
        });
        if (!problems.IsEmpty)
            throw new TrainingDataValidationException(Description, problems.OrderBy(p => p.Index).Select(p => p.Problem).ToList());
    }

    private static string JsonIn(string path, string defaultName)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, defaultName);
        if (!File.Exists(path)) throw new DataFileException(path, "the annotation JSON does not exist.");
        return path;
    }

    private static string SynthJson(string root, string split)
    {
        var json = Path.Combine(root, split, "panoptic.json");
        if (!File.Exists(json))
            throw new DataFileException(json, $"not a generated dataset with a '{split}' split. Create one with `clustseg-cli synth --out {root} --images 2000`.");
        return json;
    }
}
