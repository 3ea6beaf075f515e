using ClustSeg.Runtime.Ops;

namespace ClustSeg.Runtime.Superpixels;

/// <summary>
/// One superpixel training example (batch size 1: the number of superpixels, hence the grid, changes every step): the
/// Lab + (y, x) features of an augmented crop, its ground-truth labels, and the grid to cluster with.
/// </summary>
/// <param name="LabXy">Planar features [5, H, W] (<see cref="SuperpixelFeatures.LabXy"/> with s_p for <paramref name="Superpixels"/>).</param>
/// <param name="Labels">Ground-truth segment ids, contiguous 0 .. <paramref name="LabelCount"/> - 1, row-major [H, W].</param>
/// <param name="LabelCount">Number of ground-truth segments in the crop.</param>
/// <param name="Height">Crop height.</param>
/// <param name="Width">Crop width.</param>
/// <param name="Superpixels">K drawn for this step (sets s_p).</param>
/// <param name="Grid">The seed grid (sized for K / fragment ratio, as at inference).</param>
/// <param name="SampleId">The image it came from (for logs and tests).</param>
public sealed record SuperpixelBatch(float[] LabXy, int[] Labels, int LabelCount, int Height, int Width, int Superpixels,
    SuperpixelGrid Grid, string SampleId);

/// <summary>Augmentation and sampling settings of superpixel training.</summary>
public sealed record SuperpixelTrainingSettings
{
    /// <summary>Side of the square random crop (clamped to the image); SSN trains on 201 x 201.</summary>
    public int CropSize { get; init; } = 201;

    /// <summary>Fewest superpixels drawn per step, for a whole 481 x 321 BSDS image (scaled to the crop's area).</summary>
    public int MinSuperpixels { get; init; } = 100;

    /// <summary>Most superpixels drawn per step, for a whole 481 x 321 BSDS image (scaled to the crop's area).</summary>
    public int MaxSuperpixels { get; init; } = 1200;

    /// <summary>EM iterations in training (the model page fixes 5).</summary>
    public int Iterations { get; init; } = 5;

    /// <summary>Weight of the SSN label reconstruction cross-entropy.</summary>
    public float LabelWeight { get; init; } = 1f;

    /// <summary>Weight of the compactness term (MSE of the reconstructed scaled (y, x)); small, as in SSN.</summary>
    public float CompactnessWeight { get; init; } = 1e-4f;

    /// <summary>
    /// Training-only factor on every pixel feature before the EM (a temperature of 1 / factor^2 on the distance logits).
    /// At inference scales neighbouring cells' distance logits differ by tens, the soft assignment is nearly one-hot and
    /// its gradient vanishes; a factor below 1 makes it soft, as SSN's feature scales do. Scaling all features alike
    /// keeps their relative weights, so inference (factor 1) sees the same geometry, only sharper.
    /// </summary>
    public float FeatureScale { get; init; } = 0.25f;

    /// <summary>Inference settings whose feature choices (colour scale, eta, smoothing, fragment ratio) training shares.</summary>
    public SuperpixelOptions Features { get; init; } = new();

    /// <summary>Checks the values, naming the bad one.</summary>
    public void Validate()
    {
        if (CropSize < 8) throw new ArgumentOutOfRangeException(nameof(CropSize), CropSize, "Crops must be at least 8 pixels.");
        if (MinSuperpixels < 1 || MaxSuperpixels < MinSuperpixels)
            throw new ArgumentOutOfRangeException(nameof(MaxSuperpixels), $"The superpixel range {MinSuperpixels}..{MaxSuperpixels} must satisfy 1 <= min <= max.");
        if (Iterations < 1) throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "At least one EM iteration is needed.");
        if (!(LabelWeight >= 0) || !(CompactnessWeight >= 0)) throw new ArgumentOutOfRangeException(nameof(CompactnessWeight), "Loss weights must be zero or positive.");
        if (!(FeatureScale > 0)) throw new ArgumentOutOfRangeException(nameof(FeatureScale), FeatureScale, "The feature scale must be positive.");
        Features.Validate();
    }
}
