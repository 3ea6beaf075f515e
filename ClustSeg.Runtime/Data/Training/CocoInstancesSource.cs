using ClustSeg.Runtime.Data.Coco;

namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// COCO instances training data. Classes are the categories in file order (all things); every annotation is a mask
/// target with its crowd flag. Instance sets have no stuff, so the semantic labels hold a class only where a
/// non-crowd instance covers the pixel (smaller instances drawn over larger ones) and ignore elsewhere.
/// </summary>
internal sealed class CocoInstancesSource : TrainingSource
{
    private readonly CocoInstancesDataset _dataset;
    private readonly string _imageFolder;
    private readonly Dictionary<int, int> _classOfCategory = [];
    private readonly Dictionary<long, List<CocoInstanceAnnotation>> _annotationsByImage = [];

    public CocoInstancesSource(string jsonPath, string? imageFolder)
    {
        _dataset = CocoInstancesDataset.Load(jsonPath);
        if (_dataset.Categories.Count is 0 or >= TrainingDataset.IgnoreLabel)
            throw new DataFileException(jsonPath, $"{_dataset.Categories.Count} categories; training needs 1..{TrainingDataset.IgnoreLabel - 1}.");
        if (_dataset.Images.Count == 0) throw new DataFileException(jsonPath, "the instances JSON lists no images.");
        for (var k = 0; k < _dataset.Categories.Count; k++) _classOfCategory[_dataset.Categories[k].Id] = k;
        Classes = _dataset.Categories.Select(c => new TrainingClass(c.Name, true, c.Id)).ToList();
        foreach (var a in _dataset.Annotations)
        {
            if (!_classOfCategory.ContainsKey(a.CategoryId))
                throw new DataFileException(jsonPath, $"annotation {a.Id} has category_id {a.CategoryId}, which is not in \"categories\".");
            if (_dataset.FindImage(a.ImageId) is null)
                throw new DataFileException(jsonPath, $"annotation {a.Id} refers to image {a.ImageId}, which is not in \"images\".");
            if (!_annotationsByImage.TryGetValue(a.ImageId, out var list)) _annotationsByImage[a.ImageId] = list = [];
            list.Add(a);
        }
        _imageFolder = FindImageFolder(jsonPath, imageFolder, _dataset.Images[0].FileName);
    }

    public override string Description => $"coco-instances:{_dataset.JsonPath}";

    public override IReadOnlyList<TrainingClass> Classes { get; }

    public override int Count => _dataset.Images.Count;

    public override long ImageId(int index) => _dataset.Images[index].Id;

    public override string AnnotationFile => _dataset.JsonPath;

    public override string ImagePath(int index) => Path.Combine(_imageFolder, _dataset.Images[index].FileName);

    public override TrainingSample Load(int index)
    {
        var info = _dataset.Images[index];
        var image = LoadImage(ImagePath(index), info.Width, info.Height, _dataset.JsonPath);
        var instances = new List<TrainingInstance>();
        foreach (var a in _annotationsByImage.GetValueOrDefault(info.Id) ?? [])
        {
            Rle rle;
            try
            {
                rle = _dataset.GetMask(a);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidDataException)
            {
                throw new DataFileException(_dataset.JsonPath, $"annotation {a.Id} (image {info.Id}): its segmentation cannot be decoded: {e.Message}", e);
            }
            if (rle.Width != info.Width || rle.Height != info.Height)
                throw new DataFileException(_dataset.JsonPath, $"annotation {a.Id}: its RLE is {rle.Width}x{rle.Height} but image {info.Id} is {info.Width}x{info.Height}.");
            instances.Add(new TrainingInstance(_classOfCategory[a.CategoryId], a.IsCrowd, rle.Decode()));
        }
        var labels = new byte[info.Width * info.Height];
        Array.Fill(labels, TrainingDataset.IgnoreLabel);
        foreach (var instance in instances.Where(x => !x.IsCrowd).OrderByDescending(x => x.Mask.Count(v => v != 0)))
            for (var i = 0; i < labels.Length; i++)
                if (instance.Mask[i] != 0) labels[i] = (byte)instance.ClassId;
        return new TrainingSample(ImagePath(index), image, labels, instances);
    }
}
