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

    /// <summary>Uniform in [A, B].</summary>
    UniformRange,
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

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>] (the spec's <c>uniform(a, b)</c>).</summary>
    public static ParameterInit UniformRange(double low, double high)
    {
        if (!(low <= high)) throw new ArgumentException($"uniform({low}, {high}): the lower bound must not exceed the upper bound.");
        return new(ParameterInitKind.UniformRange, low, high);
    }

    /// <summary>
    /// PyTorch's <c>kaiming_normal_</c> with its defaults (mode fan_in, ReLU gain √2): N(0, √2/√fan_in) for a
    /// parameter of <paramref name="shape"/>, fans as <see cref="Fans"/> computes them.
    /// </summary>
    public static ParameterInit KaimingNormal(IReadOnlyList<int> shape) => Normal(0, Math.Sqrt(2.0) / Math.Sqrt(Fans(shape).FanIn));

    /// <summary>
    /// PyTorch's <c>xavier_uniform_</c> with gain 1: uniform in ±√(6 / (fan_in + fan_out)) for a parameter of
    /// <paramref name="shape"/>.
    /// </summary>
    public static ParameterInit XavierUniform(IReadOnlyList<int> shape)
    {
        var (fanIn, fanOut) = Fans(shape);
        return Uniform(Math.Sqrt(6.0 / (fanIn + fanOut)));
    }

    /// <summary>
    /// PyTorch's fans of a weight [out, in, k...]: fan_in = in·∏k, fan_out = out·∏k. Needs at least 2 dimensions,
    /// as PyTorch does (a bias has no fans).
    /// </summary>
    public static (int FanIn, int FanOut) Fans(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count < 2)
        {
            throw new ArgumentException($"Fan in and fan out need a weight of at least 2 dimensions, not [{string.Join(", ", shape)}]; " +
                "use zeros, ones, uniform or normal for a 1-dimensional parameter.", nameof(shape));
        }
        var receptive = 1;
        for (var i = 2; i < shape.Count; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

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
            case ParameterInitKind.UniformRange:
                for (var i = 0; i < values.Length; i++) values[i] = (float)(A + random.NextDouble() * (B - A));
                break;
            default:
                values.Fill((float)A);
                break;
        }
    }
}
