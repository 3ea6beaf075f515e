namespace ClustSeg.Runtime.Training;

/// <summary>
/// The learning rate clustseg.md fixes: linear warm-up from <see cref="WarmupStartFactor"/> x base to the base rate,
/// then polynomial decay to zero at the last step: lr(s) = base x (1 - (s - warmup) / (total - warmup))^power.
/// </summary>
/// <param name="BaseRate">The peak learning rate.</param>
/// <param name="WarmupSteps">Steps of linear warm-up (0: none).</param>
/// <param name="TotalSteps">Steps in the whole run; the rate reaches zero after the last.</param>
/// <param name="Power">Exponent of the poly decay (0.9, as Mask2Former-style recipes use).</param>
public sealed record LearningRateSchedule(double BaseRate, int WarmupSteps, int TotalSteps, double Power = 0.9)
{
    /// <summary>Fraction of the base rate the first warm-up step uses.</summary>
    public const double WarmupStartFactor = 0.001;

    /// <summary>The rate for 1-based <paramref name="step"/>.</summary>
    public double RateAt(int step)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps count from 1.");
        if (step <= WarmupSteps)
        {
            var progress = WarmupSteps == 1 ? 1.0 : (step - 1) / (double)(WarmupSteps - 1);
            return BaseRate * (WarmupStartFactor + (1 - WarmupStartFactor) * progress);
        }
        // Decay over the steps after warm-up so that the step after the last one would have rate 0.
        var decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        var remaining = Math.Clamp(1.0 - (step - WarmupSteps - 1) / (double)decaySteps, 0.0, 1.0);
        return BaseRate * Math.Pow(remaining, Power);
    }

    /// <summary>Checks the values, naming the bad one.</summary>
    public void Validate()
    {
        if (!(BaseRate > 0) || double.IsInfinity(BaseRate)) throw new ArgumentOutOfRangeException(nameof(BaseRate), BaseRate, "The learning rate must be positive.");
        if (TotalSteps < 1) throw new ArgumentOutOfRangeException(nameof(TotalSteps), TotalSteps, "Train for at least one step.");
        if (WarmupSteps < 0 || WarmupSteps > TotalSteps)
            throw new ArgumentOutOfRangeException(nameof(WarmupSteps), WarmupSteps, $"Warm-up must be between 0 and the total of {TotalSteps} steps.");
        if (!(Power > 0)) throw new ArgumentOutOfRangeException(nameof(Power), Power, "The decay power must be positive.");
    }
}
