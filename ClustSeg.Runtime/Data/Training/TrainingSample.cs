using ClustSeg.Runtime.Imaging;

namespace ClustSeg.Runtime.Data.Training;

/// <summary>A class of a training dataset.</summary>
/// <param name="Name">Class name.</param>
/// <param name="IsThing">Countable (its segments are instances) or stuff (one region per image).</param>
/// <param name="SourceId">The class's id in the dataset's files: the COCO category id, or for label PNGs the class
/// index they store (after the format's mapping). Predictions written for evaluation against these files use it.</param>
public sealed record TrainingClass(string Name, bool IsThing, int SourceId);

/// <summary>One mask target: a thing instance, or the region of one stuff class in an image.</summary>
/// <param name="ClassId">Class id (index into <see cref="TrainingDataset.Classes"/>).</param>
/// <param name="IsCrowd">A crowd region (COCO iscrowd): not a single instance; losses and matching skip it.</param>
/// <param name="Mask">0/1 per pixel, row-major, the size of the image.</param>
public sealed record TrainingInstance(int ClassId, bool IsCrowd, byte[] Mask);

/// <summary>A training sample as stored (before augmentation).</summary>
/// <param name="Id">Names the sample in messages (the image file).</param>
/// <param name="Image">The RGB image.</param>
/// <param name="Labels">Semantic class id per pixel, row-major; <see cref="TrainingDataset.IgnoreLabel"/> = ignore.</param>
/// <param name="Instances">Mask targets (things and stuff regions), in file order.</param>
public sealed record TrainingSample(string Id, RgbImage Image, byte[] Labels, IReadOnlyList<TrainingInstance> Instances);

/// <summary>One problem found while checking a dataset.</summary>
/// <param name="FileName">The file at fault.</param>
/// <param name="Problem">What is wrong with it.</param>
public sealed record TrainingDataProblem(string FileName, string Problem);

/// <summary>
/// A dataset failed its up-front check. The message lists the first problems (file and what is wrong);
/// <see cref="Problems"/> has them all.
/// </summary>
public sealed class TrainingDataValidationException : DataFileException
{
    /// <summary>Creates the error from the problems found (at least one).</summary>
    public TrainingDataValidationException(string dataset, IReadOnlyList<TrainingDataProblem> problems)
        : base(problems[0].FileName, Describe(dataset, problems), Describe(dataset, problems), null)
    {
        Problems = problems;
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<TrainingDataProblem> Problems { get; }

    private static string Describe(string dataset, IReadOnlyList<TrainingDataProblem> problems)
    {
        var shown = problems.Take(5).Select(p => $"\n  {p.FileName}: {p.Problem}");
        var more = problems.Count > 5 ? $"\n  ... and {problems.Count - 5} more" : "";
        return $"{problems.Count} broken sample(s) in {dataset}; fix or remove them before training:{string.Concat(shown)}{more}";
    }
}
