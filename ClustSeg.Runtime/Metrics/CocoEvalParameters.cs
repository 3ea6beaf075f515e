namespace ClustSeg.Runtime.Metrics;

/// <summary>
/// cocoeval's default detection parameters (Params.setDetParams), with the thresholds computed the way
/// numpy.linspace computes them (start + i * step, last = stop), so 0.9 is 0.8999999999999999 exactly as in Python.
/// </summary>
public sealed class CocoEvalParameters
{
    /// <summary>IoU thresholds .50:.05:.95 (10 values).</summary>
    public double[] IouThresholds { get; init; } = Linspace(0.5, 0.95, 10);

    /// <summary>Recall thresholds 0:.01:1 (101 values).</summary>
    public double[] RecallThresholds { get; init; } = Linspace(0.0, 1.0, 101);

    /// <summary>Detections kept per image for each recall figure: 1, 10, 100 (ascending; the last bounds matching).</summary>
    public int[] MaxDetections { get; init; } = [1, 10, 100];

    /// <summary>Area ranges (inclusive at both ends): all, small, medium, large.</summary>
    public (double Min, double Max)[] AreaRanges { get; init; } =
        [(0, 1e5 * 1e5), (0, 32 * 32), (32 * 32, 96 * 96), (96 * 96, 1e5 * 1e5)];

    /// <summary>Labels of <see cref="AreaRanges"/>.</summary>
    public string[] AreaLabels { get; init; } = ["all", "small", "medium", "large"];

    internal static double[] Linspace(double start, double stop, int count)
    {
        var values = new double[count];
        var step = (stop - start) / (count - 1);
        for (var i = 0; i < count; i++) values[i] = i * step + start;
        values[^1] = stop;
        return values;
    }
}
