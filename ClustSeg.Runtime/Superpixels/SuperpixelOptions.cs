namespace ClustSeg.Runtime.Superpixels;

/// <summary>Settings of superpixel inference.</summary>
public sealed record SuperpixelOptions
{
    /// <summary>How many superpixels to aim for (the seed grid has about this many cells).</summary>
    public int Superpixels { get; init; } = 600;

    /// <summary>EM iterations at inference (the model page fixes 10; 5 during training).</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>s_c: scale of the Lab colour features.</summary>
    public float ColorScale { get; init; } = 1f;

    /// <summary>
    /// eta in s_p = eta * sqrt(K) / max(H, W), the scale of the (y, x) features. Larger gives more compact, more
    /// regular superpixels; smaller follows colour edges more closely.
    /// </summary>
    public float PositionScale { get; init; } = 10f;

    /// <summary>
    /// Standard deviation in pixels of the Gaussian that smooths the colour features (0: none). Smoothing removes
    /// pixel noise that would otherwise leave many tiny fragments after the hard assignment.
    /// </summary>
    public float Smoothing { get; init; } = 1.5f;

    /// <summary>
    /// Expected fragments per grid cell, per pixel of the cell's side: connectivity enforcement keeps pieces of at least
    /// 0.06 N/K pixels and each counts as a superpixel, so a grid cell of side s pixels yields about
    /// 1 + FragmentsPerCellSide * s superpixels (<see cref="FragmentRatio"/>). Fitted to the median first-attempt counts
    /// of both models on 60 BSDS500 train images at K = 100, 600 and 1200 (1.39, 1.14 and 1.10 superpixels per cell).
    /// </summary>
    public double FragmentsPerCellSide { get; init; } = 0.009;

    /// <summary>Relative deviation from K beyond which the grid is rescaled and the EM run again.</summary>
    public double CountTolerance { get; init; } = 0.1;

    /// <summary>
    /// Expected superpixels per grid cell for <paramref name="superpixels"/> on a picture of <paramref name="pixels"/>
    /// pixels: the grid gets K / ratio cells so that about K superpixels come out.
    /// </summary>
    public double FragmentRatio(long pixels, int superpixels) =>
        1 + FragmentsPerCellSide * Math.Sqrt(pixels / (double)Math.Max(superpixels, 1));

    /// <summary>Checks the values, naming the bad one.</summary>
    public void Validate()
    {
        if (Superpixels < 1) throw new ArgumentOutOfRangeException(nameof(Superpixels), Superpixels, "Ask for at least 1 superpixel.");
        if (Iterations < 1) throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "At least one EM iteration is needed.");
        if (!(ColorScale > 0)) throw new ArgumentOutOfRangeException(nameof(ColorScale), ColorScale, "The colour scale must be positive.");
        if (!(FragmentsPerCellSide >= 0)) throw new ArgumentOutOfRangeException(nameof(FragmentsPerCellSide), FragmentsPerCellSide, "The fragments per cell side must be zero or positive.");
        if (!(Smoothing >= 0)) throw new ArgumentOutOfRangeException(nameof(Smoothing), Smoothing, "The smoothing must be zero or positive.");
        if (!(PositionScale >= 0)) throw new ArgumentOutOfRangeException(nameof(PositionScale), PositionScale, "The position scale must be zero or positive.");
    }
}
