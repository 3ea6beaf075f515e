using ClustSeg.Runtime.Imaging.Png;

namespace ClustSeg.Runtime.Data.Semantic;

/// <summary>How stored label values map to class ids.</summary>
public enum SemanticLabelEncoding
{
    /// <summary>Stored value = class id; 255 = ignore (VOC, Cityscapes labelTrainIds).</summary>
    Identity,

    /// <summary>Stored 0 = "other" becomes ignore; v becomes class v - 1 (ADE20K).</summary>
    ReduceZero,
}

/// <summary>An image and its label PNG.</summary>
/// <param name="ImagePath">The input image.</param>
/// <param name="LabelPath">The single-channel label PNG.</param>
public sealed record SemanticSample(string ImagePath, string LabelPath);

/// <summary>A label map: row-major class ids, 255 = ignore.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Labels">Class id per pixel, or <see cref="SemanticLabelFolder.IgnoreLabel"/>.</param>
public sealed record SemanticLabelMap(int Width, int Height, byte[] Labels);

/// <summary>
/// A semantic segmentation dataset stored as images plus label PNGs (one class index per pixel). Pairs are found by
/// file stem; labels are mapped to class ids 0..N-1 with 255 = ignore and checked on reading.
/// </summary>
public sealed class SemanticLabelFolder
{
    /// <summary>The label value that marks pixels excluded from training and evaluation.</summary>
    public const byte IgnoreLabel = 255;

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png"];

    private SemanticLabelFolder(IReadOnlyList<SemanticSample> samples, SemanticClassList classes, SemanticLabelEncoding encoding)
    {
        Samples = samples;
        Classes = classes;
        Encoding = encoding;
    }

    /// <summary>The image/label pairs, sorted by label path.</summary>
    public IReadOnlyList<SemanticSample> Samples { get; }

    /// <summary>The classes.</summary>
    public SemanticClassList Classes { get; }

    /// <summary>How stored values become class ids.</summary>
    public SemanticLabelEncoding Encoding { get; }

    /// <summary>
    /// Pairs every label file under <paramref name="labelFolder"/> whose name ends with <paramref name="labelSuffix"/>
    /// with the image at the same relative path under <paramref name="imageFolder"/> ending with
    /// <paramref name="imageSuffix"/> (and .jpg, .jpeg or .png when the suffix has no extension).
    /// </summary>
    /// <exception cref="DataFileException">A folder is missing, has no labels, or a label has no image.</exception>
    public static SemanticLabelFolder FromFolders(string imageFolder, string labelFolder, SemanticClassList classes,
        SemanticLabelEncoding encoding, string imageSuffix = "", string labelSuffix = ".png")
    {
        if (!Directory.Exists(labelFolder)) throw new DataFileException(labelFolder, "label folder does not exist.");
        if (!Directory.Exists(imageFolder)) throw new DataFileException(imageFolder, "image folder does not exist.");
        var samples = new List<SemanticSample>();
        var labels = Directory.EnumerateFiles(labelFolder, "*" + labelSuffix, SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).ToList();
        foreach (var label in labels)
        {
            var relative = Path.GetRelativePath(labelFolder, label);
            var stem = relative[..^labelSuffix.Length];
            var candidates = Path.HasExtension(imageSuffix)
                ? [Path.Combine(imageFolder, stem + imageSuffix)]
                : ImageExtensions.Select(e => Path.Combine(imageFolder, stem + imageSuffix + e)).ToArray();
            var image = candidates.FirstOrDefault(File.Exists)
                ?? throw new DataFileException(label, $"no matching image: looked for {string.Join(" or ", candidates)}.");
            samples.Add(new SemanticSample(image, label));
        }
        if (samples.Count == 0)
            throw new DataFileException(labelFolder, $"no label files ending in \"{labelSuffix}\" were found.");
        return new SemanticLabelFolder(samples, classes, encoding);
    }

    /// <summary>
    /// ADE20K (SceneParsing): images/**.jpg with annotations/**.png (0 = other, ignored; 1..150 become 0..149).
    /// Class names come from objectInfo150.csv or .txt in <paramref name="root"/>; <paramref name="split"/>
    /// ("training", "validation") picks a subfolder when present.
    /// </summary>
    public static SemanticLabelFolder Ade20k(string root, string? split = null)
    {
        var info = new[] { "objectInfo150.csv", "objectInfo150.txt" }.Select(n => Path.Combine(root, n)).FirstOrDefault(File.Exists)
            ?? throw new DataFileException(Path.Combine(root, "objectInfo150.csv"), "ADE20K class list not found (objectInfo150.csv or objectInfo150.txt).");
        var images = Path.Combine(root, "images");
        var annotations = Path.Combine(root, "annotations");
        if (split is not null)
        {
            images = Path.Combine(images, split);
            annotations = Path.Combine(annotations, split);
        }
        return FromFolders(images, annotations, SemanticClassList.ReadAde20kObjectInfo(info), SemanticLabelEncoding.ReduceZero);
    }

    /// <summary>
    /// Pascal VOC: JPEGImages/*.jpg with SegmentationClass/*.png (palette indices; 255 = void), or a flat folder of
    /// "N_image.png" with "N_target_index.png".
    /// </summary>
    public static SemanticLabelFolder Voc(string root)
    {
        var classFolder = Path.Combine(root, "SegmentationClass");
        return Directory.Exists(classFolder)
            ? FromFolders(Path.Combine(root, "JPEGImages"), classFolder, SemanticClassList.Voc, SemanticLabelEncoding.Identity)
            : FromFolders(root, root, SemanticClassList.Voc, SemanticLabelEncoding.Identity, "_image.png", "_target_index.png");
    }

    /// <summary>
    /// Cityscapes with labelTrainIds (19 classes, 255 = ignore): leftImg8bit/SPLIT/CITY/*_leftImg8bit.png with
    /// gtFine/SPLIT/CITY/*_gtFine_labelTrainIds.png, or both kinds of file in one flat folder.
    /// </summary>
    public static SemanticLabelFolder Cityscapes(string root, string? split = null)
    {
        var images = Path.Combine(root, "leftImg8bit");
        var labels = Path.Combine(root, "gtFine");
        if (!Directory.Exists(images) || !Directory.Exists(labels))
        {
            images = labels = root;
        }
        else if (split is not null)
        {
            images = Path.Combine(images, split);
            labels = Path.Combine(labels, split);
        }
        return FromFolders(images, labels, SemanticClassList.Cityscapes, SemanticLabelEncoding.Identity,
            "_leftImg8bit.png", "_gtFine_labelTrainIds.png");
    }

    /// <summary>Reads and maps the labels of sample <paramref name="index"/>.</summary>
    /// <exception cref="DataFileException">The PNG is corrupt, not single-channel, or holds a value that is not a class.</exception>
    public SemanticLabelMap ReadLabels(int index) => ReadLabels(Samples[index].LabelPath, Classes.Count, Encoding);

    /// <summary>Reads and maps any label PNG (see <see cref="ReadLabels(int)"/>).</summary>
    public static SemanticLabelMap ReadLabels(string path, int classCount, SemanticLabelEncoding encoding)
    {
        var png = PngDecoder.Decode(path);
        if (png.Channels != 1)
            throw new DataFileException(path, $"a label PNG must hold one class index per pixel (grey or palette); this one is {png.ColorType}, perhaps a colour visualisation.");
        var labels = new byte[png.Samples.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            int stored = png.Samples[i];
            int mapped = encoding == SemanticLabelEncoding.ReduceZero ? (stored == 0 ? IgnoreLabel : stored - 1) : stored;
            if (mapped != IgnoreLabel && mapped >= classCount)
                throw new DataFileException(path, $"pixel ({i % png.Width}, {i / png.Width}) has label {stored}, which is not a class " +
                    $"({(encoding == SemanticLabelEncoding.ReduceZero ? $"1..{classCount}, 0 = ignore" : $"0..{classCount - 1}, 255 = ignore")}). " +
                    "Check that the dataset format and class list match these files (e.g. Cityscapes needs labelTrainIds, not labelIds).");
            labels[i] = (byte)mapped;
        }
        return new SemanticLabelMap(png.Width, png.Height, labels);
    }

    /// <summary>
    /// Writes a label map as an 8-bit grey PNG in the given encoding (for <see cref="SemanticLabelEncoding.ReduceZero"/>
    /// class c is stored as c + 1 and ignore as 0), so <see cref="ReadLabels(string, int, SemanticLabelEncoding)"/>
    /// reads it back unchanged.
    /// </summary>
    public static void WriteLabels(string path, SemanticLabelMap labels, SemanticLabelEncoding encoding = SemanticLabelEncoding.Identity)
    {
        var stored = new byte[labels.Labels.Length];
        for (var i = 0; i < stored.Length; i++)
        {
            var label = labels.Labels[i];
            if (encoding == SemanticLabelEncoding.ReduceZero && label == 254)
                throw new ArgumentException("Class 254 cannot be stored with ReduceZero encoding (it would become the ignore label).", nameof(labels));
            stored[i] = encoding == SemanticLabelEncoding.ReduceZero ? (byte)(label == IgnoreLabel ? 0 : label + 1) : label;
        }
        PngEncoder.Write(path, PngImage.FromGray8(labels.Width, labels.Height, stored));
    }
}
