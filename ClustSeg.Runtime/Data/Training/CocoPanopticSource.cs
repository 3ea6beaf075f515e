using ClustSeg.Runtime.Data.Coco;

namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// COCO panoptic training data. Classes are the categories, things first then stuff (each in file order); every
/// segment becomes a mask target; pixels of segment 0 (void) are ignored in the semantic labels.
/// </summary>
internal sealed class CocoPanopticSource : TrainingSource
{
    private readonly CocoPanopticDataset _dataset;
    private readonly string _imageFolder;
    private readonly Dictionary<int, int> _classOfCategory = [];

    public CocoPanopticSource(string jsonPath, string? imageFolder)
    {
        _dataset = CocoPanopticDataset.Load(jsonPath);
        if (_dataset.Categories.Count == 0)
            throw new DataFileException(jsonPath, "the panoptic JSON has no \"categories\"; training needs them (with isthing). Add them, e.g. from panoptic_coco_categories.json.");
        var ordered = _dataset.Categories.Where(c => c.IsThing).Concat(_dataset.Categories.Where(c => !c.IsThing)).ToList();
        if (ordered.Count >= TrainingDataset.IgnoreLabel)
            throw new DataFileException(jsonPath, $"{ordered.Count} categories; at most {TrainingDataset.IgnoreLabel - 1} are supported (label {TrainingDataset.IgnoreLabel} means ignore).");
        for (var k = 0; k < ordered.Count; k++) _classOfCategory[ordered[k].Id] = k;
        Classes = ordered.Select(c => new TrainingClass(c.Name, c.IsThing, c.Id)).ToList();
        if (_dataset.Annotations.Count == 0) throw new DataFileException(jsonPath, "the panoptic JSON has no annotations.");
        foreach (var a in _dataset.Annotations)
            if (_dataset.FindImage(a.ImageId) is null)
                throw new DataFileException(jsonPath, $"annotation '{a.FileName}' refers to image {a.ImageId}, which is not in \"images\".");
        _imageFolder = FindImageFolder(jsonPath, imageFolder, _dataset.FindImage(_dataset.Annotations[0].ImageId)!.FileName);
    }

    public override string Description => $"coco-panoptic:{_dataset.JsonPath}";

    public override IReadOnlyList<TrainingClass> Classes { get; }

    public override int Count => _dataset.Annotations.Count;

    public override long ImageId(int index) => _dataset.Annotations[index].ImageId;

    public override string AnnotationFile => _dataset.JsonPath;

    public override string ImagePath(int index) => Path.Combine(_imageFolder, _dataset.FindImage(_dataset.Annotations[index].ImageId)!.FileName);

    public override TrainingSample Load(int index)
    {
        var annotation = _dataset.Annotations[index];
        var map = _dataset.ReadSegmentMap(annotation);
        var pngPath = Path.Combine(_dataset.SegmentationFolder, annotation.FileName);
        var image = LoadImage(ImagePath(index), map.Width, map.Height, pngPath);
        var classOfSegment = annotation.Segments.ToDictionary(s => s.Id, s => _classOfCategory[s.CategoryId]);
        var labels = new byte[map.Ids.Length];
        for (var i = 0; i < labels.Length; i++)
            labels[i] = classOfSegment.TryGetValue(map.Ids[i], out var c) ? (byte)c : TrainingDataset.IgnoreLabel;
        var instances = annotation.Segments.Select(s =>
        {
            var mask = new byte[map.Ids.Length];
            for (var i = 0; i < mask.Length; i++) mask[i] = map.Ids[i] == s.Id ? (byte)1 : (byte)0;
            return new TrainingInstance(classOfSegment[s.Id], s.IsCrowd, mask);
        }).ToList();
        return new TrainingSample(ImagePath(index), image, labels, instances);
    }
}
