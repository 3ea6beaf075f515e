namespace ClustSeg.Tests.Support;

/// <summary>
/// The numerical checking toolkit every kernel test uses: seeded random inputs, relative error against a double
/// precision CPU reference, and central finite differences for backward passes.
/// </summary>
public static class Numerics
{
    /// <summary>Uniform values in [-scale, scale), deterministic by seed.</summary>
    public static double[] Random(int count, int seed, double scale = 1.0)
    {
        var rng = new System.Random(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = (rng.NextDouble() * 2 - 1) * scale;
        return values;
    }

    /// <summary>The values as float32, the device's precision.</summary>
    public static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);

    /// <summary>Rounds through float32 so a CPU reference sees exactly the inputs the device saw.</summary>
    public static double[] RoundToFloat(double[] values) => Array.ConvertAll(values, v => (double)(float)v);

    /// <summary>||actual - expected|| / max(||expected||, tiny), with NaN/inf in actual counted as failure.</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected)
    {
        if (actual.Length != expected.Length)
            throw new ArgumentException($"Length mismatch: actual {actual.Length}, expected {expected.Length}.");
        double diff = 0, norm = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            if (!float.IsFinite(actual[i])) return double.PositiveInfinity;
            var d = actual[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
        }
        return Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), 1e-30);
    }

    /// <summary>Fails with the first bad element and the relative error when the arrays disagree.</summary>
    public static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, double tolerance = 1e-5, string what = "output")
    {
        var error = RelativeError(actual, expected);
        if (error <= tolerance) return;
        var worst = 0;
        double worstDiff = -1;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = float.IsFinite(actual[i]) ? Math.Abs(actual[i] - expected[i]) : double.PositiveInfinity;
            if (d > worstDiff) (worst, worstDiff) = (i, d);
        }
        throw new Xunit.Sdk.XunitException(
            $"{what}: relative error {error:E3} > {tolerance:E1}; worst element {worst}: got {actual[worst]}, expected {expected[worst]}" +
            (float.IsNaN(actual[worst]) ? " (NaN: an element was never written?)" : ""));
    }

    /// <summary>Double-precision comparison for checking a CPU backward against finite differences.</summary>
    public static void AssertClose(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double tolerance, string what)
    {
        var floats = new float[actual.Length];
        double diff = 0, norm = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = actual[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
            floats[i] = (float)actual[i];
        }
        var error = Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), 1e-30);
        if (error > tolerance)
            throw new Xunit.Sdk.XunitException($"{what}: relative error {error:E3} > {tolerance:E1}");
    }

    /// <summary>
    /// Gradient of L(x) = sum(f(x) * upstream) with respect to x by central differences, in double precision.
    /// The scalar L makes one pass of differences check a whole vector-Jacobian product.
    /// </summary>
    public static double[] NumericGradient(Func<double[], double[]> f, double[] x, double[] upstream, double epsilon = 1e-6)
    {
        var gradient = new double[x.Length];
        var probe = (double[])x.Clone();
        for (var i = 0; i < x.Length; i++)
        {
            probe[i] = x[i] + epsilon;
            var plus = Dot(f(probe), upstream);
            probe[i] = x[i] - epsilon;
            var minus = Dot(f(probe), upstream);
            probe[i] = x[i];
            gradient[i] = (plus - minus) / (2 * epsilon);
        }
        return gradient;
    }

    /// <summary>Sum of element-wise products.</summary>
    public static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
