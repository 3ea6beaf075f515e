namespace ClustSeg.Cli.Output.Plots;

/// <summary>
/// Bias-corrected exponential moving average, the smoothing loss curves are usually read through: early points are not
/// pulled towards zero, and non-finite values (a diverged step) are left out of the average instead of poisoning it.
/// </summary>
public static class ExponentialMovingAverage
{
    /// <summary>A decay that averages over roughly 1/25 of the series, between no smoothing and a 200-point window.</summary>
    public static double DecayFor(int count)
    {
        var span = Math.Clamp(count / 25.0, 1, 200);
        return 1 - 2 / (span + 1);
    }

    /// <summary>The smoothed series: s_t = decay s_(t-1) + (1 - decay) x_t, divided by 1 - decay^n over the n finite values so far.</summary>
    public static double[] Smooth(IReadOnlyList<double> values, double decay)
    {
        var smoothed = new double[values.Count];
        double average = 0, weight = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if (double.IsFinite(values[i]))
            {
                average = decay * average + (1 - decay) * values[i];
                weight = decay * weight + (1 - decay);
            }
            smoothed[i] = weight > 0 ? average / weight : double.NaN;
        }
        return smoothed;
    }
}
