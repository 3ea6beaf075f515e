namespace ClustSeg.Runtime.Nn;

/// <summary>How a parameter's initial value is drawn (PyTorch's defaults are expressible with these).</summary>
public enum ParameterInitKind
{
    /// <summary>Uniform in [-A, A].</summary>
    Uniform,

    /// <summary>Normal with mean A and standard deviation B.</summary>
    Normal,

    /// <summary>Every element equals A.</summary>
    Constant,
}

/// <summary>The initialisation rule of one parameter.</summary>
public sealed record ParameterInit(ParameterInitKind Kind, double A, double B = 0)
{
    /// <summary>
    /// PyTorch's default for conv and linear weights and biases: uniform in ±1/sqrt(fan_in), which is what
    /// kaiming_uniform_(a = sqrt(5)) gives for weights. fan_in = in_channels/groups * kh * kw, or in_features.
    /// </summary>
    public static ParameterInit PyTorchDefault(int fanIn)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fanIn, 1);
        return new(ParameterInitKind.Uniform, 1.0 / Math.Sqrt(fanIn));
    }

    /// <summary>Uniform in [-bound, bound].</summary>
    public static ParameterInit Uniform(double bound) => new(ParameterInitKind.Uniform, bound);

    /// <summary>Normal(mean, std), e.g. N(0, 1) for the level embedding.</summary>
    public static ParameterInit Normal(double mean, double std) => new(ParameterInitKind.Normal, mean, std);

    /// <summary>All ones (norm weights).</summary>
    public static ParameterInit Ones { get; } = new(ParameterInitKind.Constant, 1);

    /// <summary>All zeros (norm biases).</summary>
    public static ParameterInit Zeros { get; } = new(ParameterInitKind.Constant, 0);

    /// <summary>Fills <paramref name="values"/> with draws from <paramref name="random"/>.</summary>
    public void Fill(Span<float> values, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        switch (Kind)
        {
            case ParameterInitKind.Uniform:
                for (var i = 0; i < values.Length; i++) values[i] = (float)((random.NextDouble() * 2 - 1) * A);
                break;
            case ParameterInitKind.Normal:
                for (var i = 0; i < values.Length; i++)
                {
                    // Box-Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
                    var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
                    values[i] = (float)(A + B * radius * Math.Cos(2 * Math.PI * random.NextDouble()));
                }
                break;
            default:
                values.Fill((float)A);
                break;
        }
    }
}
