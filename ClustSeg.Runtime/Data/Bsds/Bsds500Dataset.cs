using ClustSeg.Runtime.Imaging;

namespace ClustSeg.Runtime.Data.Bsds;

/// <summary>
/// The BSDS500 dataset as distributed: <c>ROOT/images/{train,val,test}/*.jpg</c> and
/// <c>ROOT/groundTruth/{train,val,test}/*.mat</c>. Opened from <c>bsds500:ROOT</c> or a plain path.
/// </summary>
public sealed class Bsds500Dataset
{
    /// <summary>The prefix of a dataset location such as <c>bsds500:../shared/data/bsds500</c>.</summary>
    public const string LocationPrefix = "bsds500:";

    /// <summary>The splits BSDS500 defines.</summary>
    public static readonly IReadOnlyList<string> SplitNames = ["train", "val", "test"];

    private const string LayoutHint =
        "expected ROOT/images/{train,val,test}/*.jpg and ROOT/groundTruth/{train,val,test}/*.mat " +
        "(the BSDS500/data folder of the distribution)";

    private Bsds500Dataset(string root) => Root = root;

    /// <summary>The dataset root folder.</summary>
    public string Root { get; }

    /// <summary>Opens <paramref name="location"/> (<c>bsds500:PATH</c> or <c>PATH</c>); the folder must hold images/.</summary>
    public static Bsds500Dataset Open(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var root = location.StartsWith(LocationPrefix, StringComparison.OrdinalIgnoreCase)
            ? location[LocationPrefix.Length..]
            : location;
        if (root.Length == 0)
            throw new ArgumentException($"Dataset location '{location}' names no folder; use {LocationPrefix}PATH.", nameof(location));
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"BSDS500 folder '{root}' does not exist; {LayoutHint}.");
        if (!Directory.Exists(Path.Combine(root, "images")))
            throw new DirectoryNotFoundException($"BSDS500 folder '{root}' has no 'images' folder; {LayoutHint}.");
        return new Bsds500Dataset(root);
    }

    /// <summary>The splits that have an images folder here.</summary>
    public IReadOnlyList<string> AvailableSplits() =>
        SplitNames.Where(s => Directory.Exists(Path.Combine(Root, "images", s))).ToArray();

    /// <summary>
    /// The samples of <paramref name="split"/>, sorted by id. With <paramref name="requireGroundTruth"/> every image
    /// must have its .mat file (an error names the first one missing); otherwise missing ground truth is null.
    /// </summary>
    public IReadOnlyList<Bsds500SampleInfo> ListSamples(string split, bool requireGroundTruth = true)
    {
        if (!SplitNames.Contains(split))
            throw new ArgumentException($"Unknown BSDS500 split '{split}'; use one of {string.Join(", ", SplitNames)}.", nameof(split));
        var imageFolder = Path.Combine(Root, "images", split);
        if (!Directory.Exists(imageFolder))
            throw new DirectoryNotFoundException(
                $"BSDS500 split '{split}' has no image folder '{imageFolder}'; splits present: " +
                $"{(AvailableSplits() is { Count: > 0 } present ? string.Join(", ", present) : "none")}.");
        var truthFolder = Path.Combine(Root, "groundTruth", split);
        var hasTruthFolder = Directory.Exists(truthFolder);
        if (requireGroundTruth && !hasTruthFolder)
            throw new DirectoryNotFoundException(
                $"BSDS500 split '{split}' has no ground-truth folder '{truthFolder}'; {LayoutHint}.");

        var images = Directory.EnumerateFiles(imageFolder, "*.jpg")
            .OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal)
            .ToArray();
        if (images.Length == 0)
            throw new FileNotFoundException($"BSDS500 image folder '{imageFolder}' holds no .jpg files.");

        var samples = new List<Bsds500SampleInfo>(images.Length);
        foreach (var image in images)
        {
            var id = Path.GetFileNameWithoutExtension(image);
            var truth = Path.Combine(truthFolder, id + ".mat");
            if (!File.Exists(truth))
            {
                if (requireGroundTruth)
                    throw new FileNotFoundException(
                        $"BSDS500 image '{image}' has no ground truth: '{truth}' is missing.", truth);
                truth = null;
            }
            samples.Add(new Bsds500SampleInfo(id, split, image, truth));
        }
        return samples;
    }

    /// <summary>
    /// Loads the image and its annotators' segmentations; throws <see cref="InvalidDataException"/> when a
    /// segmentation's size differs from the image's.
    /// </summary>
    public static Bsds500Sample Load(Bsds500SampleInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var image = RgbImage.Load(info.ImagePath);
        var segmentations = info.GroundTruthPath is null
            ? []
            : Bsds500GroundTruth.ReadSegmentations(info.GroundTruthPath);
        for (var k = 0; k < segmentations.Count; k++)
        {
            var s = segmentations[k];
            if (s.Width != image.Width || s.Height != image.Height)
                throw new InvalidDataException(
                    $"Ground truth '{info.GroundTruthPath}': annotator {k + 1}'s segmentation is {s.Width}x{s.Height} " +
                    $"but image '{info.ImagePath}' is {image.Width}x{image.Height}; the files do not belong together.");
        }
        return new Bsds500Sample(info, image, segmentations);
    }
}
