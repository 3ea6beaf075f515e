using ClustSeg.Runtime.Data.Semantic;

namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// A semantic label-PNG folder. Each class present in an image becomes one mask target (as for stuff), so the
/// semantic loss and the mask losses see the same regions. Recognised layouts: ADE20K (objectInfo150.csv),
/// Pascal VOC (SegmentationClass/ or *_target_index.png), Cityscapes (gtFine/ or *_gtFine_labelTrainIds.png),
/// and images/ + semantic/ or labels/ with classes.txt beside them or one folder up (the synth layout).
/// </summary>
internal sealed class SemanticFolderSource : TrainingSource
{
    private readonly SemanticLabelFolder _folder;
    private readonly string _root;

    public SemanticFolderSource(string root, string? split)
    {
        _root = root;
        if (!Directory.Exists(root)) throw new DataFileException(root, "the semantic dataset folder does not exist.");
        _folder = Open(root, split);
        if (_folder.Classes.Count is 0 or >= TrainingDataset.IgnoreLabel)
            throw new DataFileException(root, $"{_folder.Classes.Count} classes; training needs 1..{TrainingDataset.IgnoreLabel - 1}.");
        Classes = _folder.Classes.Names.Select((n, k) => new TrainingClass(n, false, k)).ToList();
    }

    public override string Description => $"semantic:{_root}";

    public override IReadOnlyList<TrainingClass> Classes { get; }

    public override int Count => _folder.Samples.Count;

    public override string ImagePath(int index) => _folder.Samples[index].ImagePath;

    public override TrainingSample Load(int index)
    {
        var labels = _folder.ReadLabels(index);
        var image = LoadImage(ImagePath(index), labels.Width, labels.Height, _folder.Samples[index].LabelPath);
        var present = new bool[Classes.Count];
        foreach (var v in labels.Labels)
            if (v != TrainingDataset.IgnoreLabel) present[v] = true;
        var instances = new List<TrainingInstance>();
        for (var c = 0; c < present.Length; c++)
        {
            if (!present[c]) continue;
            var mask = new byte[labels.Labels.Length];
            for (var i = 0; i < mask.Length; i++) mask[i] = labels.Labels[i] == c ? (byte)1 : (byte)0;
            instances.Add(new TrainingInstance(c, false, mask));
        }
        return new TrainingSample(ImagePath(index), image, labels.Labels, instances);
    }

    private static SemanticLabelFolder Open(string root, string? split)
    {
        if (File.Exists(Path.Combine(root, "objectInfo150.csv")) || File.Exists(Path.Combine(root, "objectInfo150.txt")))
            return SemanticLabelFolder.Ade20k(root, split is not null && Directory.Exists(Path.Combine(root, "images", split)) ? split : null);
        if (Directory.Exists(Path.Combine(root, "SegmentationClass")) || Directory.EnumerateFiles(root, "*_target_index.png").Any())
            return SemanticLabelFolder.Voc(root);
        if (Directory.Exists(Path.Combine(root, "gtFine")) || Directory.EnumerateFiles(root, "*_gtFine_labelTrainIds.png").Any())
            return SemanticLabelFolder.Cityscapes(root, split);
        var baseFolder = split is not null && Directory.Exists(Path.Combine(root, split)) ? Path.Combine(root, split) : root;
        var labels = new[] { "semantic", "labels", "annotations" }.Select(n => Path.Combine(baseFolder, n)).FirstOrDefault(Directory.Exists);
        var images = Path.Combine(baseFolder, "images");
        var classList = new[] { baseFolder, root, Path.Combine(baseFolder, "..") }.Select(d => Path.Combine(d, "classes.txt")).FirstOrDefault(File.Exists);
        if (labels is null || !Directory.Exists(images) || classList is null)
            throw new DataFileException(root, "not a recognised semantic layout. Expected ADE20K (objectInfo150.csv, images/, annotations/), " +
                "VOC (JPEGImages/ + SegmentationClass/), Cityscapes (leftImg8bit/ + gtFine/ with labelTrainIds), or images/ + semantic/ " +
                "(or labels/) with classes.txt (one class name per line, line k = label value k, 255 = ignore).");
        return SemanticLabelFolder.FromFolders(images, labels, SemanticClassList.ReadLines(classList), SemanticLabelEncoding.Identity);
    }
}
