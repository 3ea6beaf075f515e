namespace ClustSeg.Tests.Kernels.Reference;

/// <summary>Plain double-precision reference of the SSN superpixel E-step and M-step and their gradients.</summary>
public sealed class SuperpixelReference(int b, int c, int h, int w, int gh, int gw)
{
    public const double Eps = 1e-6;
    public int N => h * w;
    public int K => gh * gw;

    private int HomeRow(int y) => y * gh / h;
    private int HomeCol(int x) => x * gw / w;

    /// <summary>Cell of slot j for pixel n, or -1.</summary>
    public int SlotCell(int n, int j)
    {
        var r = HomeRow(n / w) + j / 3 - 1;
        var q = HomeCol(n % w) + j % 3 - 1;
        return r < 0 || r >= gh || q < 0 || q >= gw ? -1 : r * gw + q;
    }

    public double[] Assign(double[] f, double[] cen)
    {
        var a = new double[b * 9 * N];
        for (var bi = 0; bi < b; bi++)
        for (var n = 0; n < N; n++)
        {
            var logits = new double[9];
            var best = double.NegativeInfinity;
            for (var j = 0; j < 9; j++)
            {
                var k = SlotCell(n, j);
                if (k < 0) { logits[j] = double.NegativeInfinity; continue; }
                double d = 0;
                for (var ci = 0; ci < c; ci++)
                {
                    var diff = f[(bi * c + ci) * N + n] - cen[(bi * c + ci) * K + k];
                    d += diff * diff;
                }
                logits[j] = -d;
                best = Math.Max(best, -d);
            }
            var total = 0.0;
            for (var j = 0; j < 9; j++) total += logits[j] = double.IsNegativeInfinity(logits[j]) ? 0 : Math.Exp(logits[j] - best);
            for (var j = 0; j < 9; j++) a[(bi * 9 + j) * N + n] = logits[j] / total;
        }
        return a;
    }

    public (double[] DF, double[] DC) AssignBackward(double[] f, double[] cen, double[] a, double[] da)
    {
        var df = new double[f.Length];
        var dc = new double[cen.Length];
        for (var bi = 0; bi < b; bi++)
        for (var n = 0; n < N; n++)
        {
            double dot = 0;
            for (var j = 0; j < 9; j++) dot += a[(bi * 9 + j) * N + n] * da[(bi * 9 + j) * N + n];
            for (var j = 0; j < 9; j++)
            {
                var k = SlotCell(n, j);
                if (k < 0) continue;
                var dz = a[(bi * 9 + j) * N + n] * (da[(bi * 9 + j) * N + n] - dot);
                for (var ci = 0; ci < c; ci++)
                {
                    var diff = f[(bi * c + ci) * N + n] - cen[(bi * c + ci) * K + k];
                    df[(bi * c + ci) * N + n] += -2 * dz * diff;
                    dc[(bi * c + ci) * K + k] += 2 * dz * diff;
                }
            }
        }
        return (df, dc);
    }

    public (double[] Centres, double[] Mass) Centres(double[] f, double[] a)
    {
        var sum = new double[b * c * K];
        var mass = new double[b * K];
        for (var bi = 0; bi < b; bi++)
        for (var n = 0; n < N; n++)
        for (var j = 0; j < 9; j++)
        {
            var k = SlotCell(n, j);
            if (k < 0) continue;
            var weight = a[(bi * 9 + j) * N + n];
            mass[bi * K + k] += weight;
            for (var ci = 0; ci < c; ci++) sum[(bi * c + ci) * K + k] += weight * f[(bi * c + ci) * N + n];
        }
        for (var bi = 0; bi < b; bi++)
        for (var ci = 0; ci < c; ci++)
        for (var k = 0; k < K; k++) sum[(bi * c + ci) * K + k] /= mass[bi * K + k] + Eps;
        return (sum, mass);
    }

    public (double[] DA, double[] DF) CentresBackward(double[] f, double[] a, double[] dcen)
    {
        var (cen, mass) = Centres(f, a);
        var da = new double[a.Length];
        var df = new double[f.Length];
        for (var bi = 0; bi < b; bi++)
        for (var n = 0; n < N; n++)
        for (var j = 0; j < 9; j++)
        {
            var k = SlotCell(n, j);
            if (k < 0) continue;
            var s = 1 / (mass[bi * K + k] + Eps);
            for (var ci = 0; ci < c; ci++)
            {
                var g = dcen[(bi * c + ci) * K + k] * s;
                da[(bi * 9 + j) * N + n] += g * (f[(bi * c + ci) * N + n] - cen[(bi * c + ci) * K + k]);
                df[(bi * c + ci) * N + n] += a[(bi * 9 + j) * N + n] * g;
            }
        }
        return (da, df);
    }
}
