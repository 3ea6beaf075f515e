namespace ClustSeg.Runtime.Metrics.Superpixel;

/// <summary>
/// Superpixel quality against one ground-truth segmentation (or a mean over many), as the superpixel benchmark of
/// Stutz et al. defines it.
/// </summary>
/// <param name="AchievableSegmentationAccuracy">ASA in [0, 1], higher is better.</param>
/// <param name="UndersegmentationError">Neubert-Protzel UE in [0, 1], lower is better.</param>
/// <param name="BoundaryRecall">BR in [0, 1], higher is better.</param>
/// <param name="Compactness">CO (Schick et al.) in [0, 1], higher is more compact.</param>
/// <param name="SuperpixelCount">Number of 4-connected superpixels (a mean when aggregated).</param>
public readonly record struct SuperpixelScores(
    double AchievableSegmentationAccuracy,
    double UndersegmentationError,
    double BoundaryRecall,
    double Compactness,
    double SuperpixelCount);
