namespace ClustSeg.Runtime.Metrics;

/// <summary>
/// Result of <see cref="CocoMaskEvaluator.Evaluate"/>: the precision and recall tables of cocoeval's accumulate
/// (-1 where a setting has no ground truth) and the 12 summary numbers of summarize, in COCO's order.
/// </summary>
public sealed class CocoMaskEvaluation
{
    /// <summary>Names of <see cref="Stats"/> in order, as cocoeval prints them.</summary>
    public static readonly IReadOnlyList<string> StatNames =
    [
        "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl",
    ];

    private readonly double[] _precision;
    private readonly double[] _recall;
    private double[]? _stats;

    internal CocoMaskEvaluation(CocoEvalParameters parameters, int[] categoryIds)
    {
        Parameters = parameters;
        CategoryIds = categoryIds;
        _precision = new double[T * R * K * A * M];
        _recall = new double[T * K * A * M];
        Array.Fill(_precision, -1);
        Array.Fill(_recall, -1);
    }

    /// <summary>The parameters used.</summary>
    public CocoEvalParameters Parameters { get; }

    /// <summary>Evaluated category ids, ascending (the K axis).</summary>
    public IReadOnlyList<int> CategoryIds { get; }

    private int T => Parameters.IouThresholds.Length;
    private int R => Parameters.RecallThresholds.Length;
    private int K => CategoryIds.Count;
    private int A => Parameters.AreaRanges.Length;
    private int M => Parameters.MaxDetections.Length;

    /// <summary>Interpolated precision at IoU threshold t, recall threshold r, category k, area range a, max-detections m.</summary>
    public double Precision(int t, int r, int k, int a, int m) => _precision[PrecisionIndex(t, r, k, a, m)];

    /// <summary>Final recall at IoU threshold t, category k, area range a, max-detections m.</summary>
    public double Recall(int t, int k, int a, int m) => _recall[RecallIndex(t, k, a, m)];

    internal void SetPrecision(int t, int r, int k, int a, int m, double value) => _precision[PrecisionIndex(t, r, k, a, m)] = value;

    internal void SetRecall(int t, int k, int a, int m, double value) => _recall[RecallIndex(t, k, a, m)] = value;

    private int PrecisionIndex(int t, int r, int k, int a, int m) => (((t * R + r) * K + k) * A + a) * M + m;

    private int RecallIndex(int t, int k, int a, int m) => ((t * K + k) * A + a) * M + m;

    /// <summary>
    /// The 12 COCO numbers: AP, AP50, AP75, AP small/medium/large (max 100 detections), AR at 1/10/100 detections,
    /// AR small/medium/large. Each is the mean of the table entries above -1, or -1 when there are none.
    /// </summary>
    public IReadOnlyList<double> Stats => _stats ??= Summarize();

    /// <summary>AP of one category (IoU .50:.95, all areas, the largest max-detections), or -1 if it has no ground truth.</summary>
    public double CategoryAp(int categoryId)
    {
        var k = CategoryIds.ToList().IndexOf(categoryId);
        if (k < 0) throw new ArgumentException($"Category {categoryId} was not evaluated.", nameof(categoryId));
        var values = new List<double>();
        for (var t = 0; t < T; t++)
            for (var r = 0; r < R; r++)
                if (Precision(t, r, k, 0, M - 1) is var v && v > -1) values.Add(v);
        return values.Count == 0 ? -1 : NumpySum.Mean(values.ToArray());
    }

    private double[] Summarize()
    {
        var last = Parameters.MaxDetections[^1];
        return
        [
            Mean(ap: true, null, "all", last),
            Mean(ap: true, .5, "all", last),
            Mean(ap: true, .75, "all", last),
            Mean(ap: true, null, "small", last),
            Mean(ap: true, null, "medium", last),
            Mean(ap: true, null, "large", last),
            Mean(ap: false, null, "all", Parameters.MaxDetections[0]),
            Mean(ap: false, null, "all", Parameters.MaxDetections[Math.Min(1, M - 1)]),
            Mean(ap: false, null, "all", last),
            Mean(ap: false, null, "small", last),
            Mean(ap: false, null, "medium", last),
            Mean(ap: false, null, "large", last),
        ];
    }

    // Mirrors cocoeval's _summarize: select the slice, keep entries above -1 in C order, average them.
    private double Mean(bool ap, double? iouThreshold, string areaLabel, int maxDetections)
    {
        var a = Array.IndexOf(Parameters.AreaLabels, areaLabel);
        var m = Array.IndexOf(Parameters.MaxDetections, maxDetections);
        if (a < 0 || m < 0) return -1;
        var thresholds = Enumerable.Range(0, T).Where(t => iouThreshold is null || Parameters.IouThresholds[t] == iouThreshold).ToList();
        var values = new List<double>();
        foreach (var t in thresholds)
        {
            if (ap)
            {
                for (var r = 0; r < R; r++)
                    for (var k = 0; k < K; k++)
                        if (Precision(t, r, k, a, m) is var v && v > -1) values.Add(v);
            }
            else
            {
                for (var k = 0; k < K; k++)
                    if (Recall(t, k, a, m) is var v && v > -1) values.Add(v);
            }
        }
        return values.Count == 0 ? -1 : NumpySum.Mean(values.ToArray());
    }
}
