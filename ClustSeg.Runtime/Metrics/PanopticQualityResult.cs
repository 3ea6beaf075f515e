namespace ClustSeg.Runtime.Metrics;

/// <summary>Averaged panoptic quality over a group of categories (panopticapi's pq_average).</summary>
/// <param name="Pq">Mean PQ over the categories that occur (tp + fp + fn &gt; 0); NaN when none do.</param>
/// <param name="Sq">Mean segmentation quality over the same categories.</param>
/// <param name="Rq">Mean recognition quality over the same categories.</param>
/// <param name="N">Number of categories averaged.</param>
public sealed record PanopticQualityScore(double Pq, double Sq, double Rq, int N);

/// <summary>Panoptic quality of one category with its raw counts.</summary>
/// <param name="CategoryId">Category id.</param>
/// <param name="Name">Category name.</param>
/// <param name="IsThing">Thing (true) or stuff (false).</param>
/// <param name="Pq">IoU sum / (tp + fp/2 + fn/2); 0 when the category never occurs.</param>
/// <param name="Sq">IoU sum / tp; 0 when tp = 0.</param>
/// <param name="Rq">tp / (tp + fp/2 + fn/2); 0 when the category never occurs.</param>
/// <param name="TruePositives">Matched pairs (IoU &gt; 0.5).</param>
/// <param name="FalsePositives">Unmatched predictions not mostly inside void or a same-category crowd region.</param>
/// <param name="FalseNegatives">Unmatched non-crowd ground-truth segments.</param>
/// <param name="IouSum">Sum of the IoUs of the matched pairs.</param>
public sealed record PanopticClassScore(int CategoryId, string Name, bool IsThing, double Pq, double Sq, double Rq,
    int TruePositives, int FalsePositives, int FalseNegatives, double IouSum);

/// <summary>PQ, SQ and RQ for all categories, things and stuff, and per category, as panopticapi's pq_compute reports.</summary>
/// <param name="All">Over all categories.</param>
/// <param name="Things">Over thing categories.</param>
/// <param name="Stuff">Over stuff categories.</param>
/// <param name="PerClass">Every category of the ground truth, in its file order.</param>
public sealed record PanopticQualityResult(PanopticQualityScore All, PanopticQualityScore Things, PanopticQualityScore Stuff,
    IReadOnlyList<PanopticClassScore> PerClass);
