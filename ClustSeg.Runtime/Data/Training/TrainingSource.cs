using ClustSeg.Runtime.Imaging;

namespace ClustSeg.Runtime.Data.Training;

/// <summary>One stored dataset format behind <see cref="TrainingDataset"/>.</summary>
internal abstract class TrainingSource
{
    public abstract string Description { get; }

    public abstract IReadOnlyList<TrainingClass> Classes { get; }

    public abstract int Count { get; }

    /// <summary>The image file of sample <paramref name="index"/>.</summary>
    public abstract string ImagePath(int index);

    public abstract TrainingSample Load(int index);

    /// <summary>The image id of sample <paramref name="index"/> in the annotation file (COCO formats), else index + 1.</summary>
    public virtual long ImageId(int index) => index + 1;

    /// <summary>The COCO JSON the samples come from, or null for label-PNG folders.</summary>
    public virtual string? AnnotationFile => null;

    /// <summary>Decodes an image, turning every decoding failure into a <see cref="DataFileException"/> naming the file.</summary>
    protected static RgbImage LoadImage(string path, int expectedWidth, int expectedHeight, string annotationFile)
    {
        RgbImage image;
        try
        {
            image = RgbImage.Load(path);
        }
        catch (FileNotFoundException)
        {
            throw new DataFileException(path, $"the image listed by '{annotationFile}' does not exist.");
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path, $"the image cannot be decoded (truncated or not an image): {e.InnerException?.Message ?? e.Message}", e);
        }
        if (expectedWidth > 0 && (image.Width != expectedWidth || image.Height != expectedHeight))
            throw new DataFileException(path, $"the image is {image.Width}x{image.Height} but its annotation '{annotationFile}' is {expectedWidth}x{expectedHeight}.");
        return image;
    }

    /// <summary>Finds the folder holding <paramref name="firstImage"/> near a COCO JSON, as COCO and the samples lay them out.</summary>
    protected static string FindImageFolder(string jsonPath, string? imageFolder, string? firstImage)
    {
        if (imageFolder is not null)
        {
            if (!Directory.Exists(imageFolder)) throw new DataFileException(imageFolder, "the image folder does not exist.");
            return imageFolder;
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(jsonPath))!;
        var stem = Path.GetFileNameWithoutExtension(jsonPath);
        var bare = stem.StartsWith("panoptic_", StringComparison.Ordinal) ? stem[9..]
            : stem.StartsWith("instances_", StringComparison.Ordinal) ? stem[10..] : stem;
        string[] candidates = [Path.Combine(directory, "images"), Path.Combine(directory, "input_images"), Path.Combine(directory, bare),
            Path.Combine(directory, "..", bare), Path.Combine(directory, "..", "images", bare), directory];
        if (firstImage is null) return candidates[0];
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, firstImage)))
            ?? throw new DataFileException(jsonPath, $"cannot find the images (e.g. '{firstImage}'); looked in {string.Join(", ", candidates.Select(Path.GetFullPath))}. " +
                "Pass the image folder explicitly.");
    }
}
