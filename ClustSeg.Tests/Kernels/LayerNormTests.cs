using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class LayerNormTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const double Eps = 1e-5;

    private static double[] Reference(double[] x, double[] w, double[] b, int width)
    {
        var y = new double[x.Length];
        for (var r = 0; r < x.Length / width; r++)
        {
            var row = x.AsSpan(r * width, width);
            double mean = 0, var = 0;
            foreach (var v in row) mean += v;
            mean /= width;
            foreach (var v in row) var += (v - mean) * (v - mean);
            var rstd = 1 / Math.Sqrt(var / width + Eps);
            for (var i = 0; i < width; i++) y[r * width + i] = (row[i] - mean) * rstd * w[i] + b[i];
        }
        return y;
    }

    private static (double[] Dx, double[] Dw, double[] Db) ReferenceBackward(double[] x, double[] dy, double[] w, int width)
    {
        var dx = new double[x.Length];
        var dw = new double[width];
        var db = new double[width];
        for (var r = 0; r < x.Length / width; r++)
        {
            double mean = 0, var = 0;
            for (var i = 0; i < width; i++) mean += x[r * width + i];
            mean /= width;
            for (var i = 0; i < width; i++) var += (x[r * width + i] - mean) * (x[r * width + i] - mean);
            var rstd = 1 / Math.Sqrt(var / width + Eps);
            double sumG = 0, sumGx = 0;
            for (var i = 0; i < width; i++)
            {
                var xhat = (x[r * width + i] - mean) * rstd;
                var g = dy[r * width + i] * w[i];
                sumG += g;
                sumGx += g * xhat;
                dw[i] += dy[r * width + i] * xhat;
                db[i] += dy[r * width + i];
            }
            for (var i = 0; i < width; i++)
            {
                var xhat = (x[r * width + i] - mean) * rstd;
                dx[r * width + i] = rstd * (dy[r * width + i] * w[i] - sumG / width - xhat * sumGx / width);
            }
        }
        return (dx, dw, db);
    }

    [Theory]
    [InlineData(7, 13)]
    [InlineData(3, 64)]
    [InlineData(5, 331)]   // wider than the workgroup: lanes loop
    public void ForwardAndBackwardMatchReference(int rows, int width)
    {
        var x = Numerics.RoundToFloat(Array.ConvertAll(Numerics.Random(rows * width, 1, 2), v => v + 5));
        var w = Numerics.RoundToFloat(Numerics.Random(width, 2));
        var b = Numerics.RoundToFloat(Numerics.Random(width, 3));
        var dy = Numerics.RoundToFloat(Numerics.Random(rows * width, 4));
        var tx = Device.Upload("x", x, 1, rows, width);
        var tw = Device.Upload("w", w, width);
        var tb = Device.Upload("b", b, width);
        var tdy = Device.Upload("dy", dy, 1, rows, width);
        var ty = Device.Poisoned("y", 1, rows, width);
        var tm = Device.Poisoned("mean", rows);
        var tr = Device.Poisoned("rstd", rows);
        var tdx = Device.Poisoned("dx", 1, rows, width);
        var tdw = Device.Poisoned("dw", width);
        var tdb = Device.Poisoned("db", width);
        using (var recorder = Device.BeginRecording())
        {
            recorder.LayerNorm(tx, tw, tb, ty, tm, tr);
            recorder.LayerNormBackward(tx, tdy, tw, tm, tr, tdx, tdw, tdb);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ty), Reference(x, w, b, width), what: "y");
        var (dx, dw, db) = ReferenceBackward(x, dy, w, width);
        Numerics.AssertClose(Device.Read(tdx), dx, what: "dx");
        Numerics.AssertClose(Device.Read(tdw), dw, what: "dweight");
        Numerics.AssertClose(Device.Read(tdb), db, what: "dbias");
    }

    [Fact]
    public void MoreRowsThanOneDispatchDimensionHolds()
    {
        // 65,600 rows need 65,600 workgroups: the grid spills into y, and every row must still be found once.
        const int rows = 65_600, width = 3;
        var x = Numerics.RoundToFloat(Numerics.Random(rows * width, 12));
        var w = Numerics.RoundToFloat(Numerics.Random(width, 13));
        var b = Numerics.RoundToFloat(Numerics.Random(width, 14));
        var tx = Device.Upload("x", x, rows, width);
        var tw = Device.Upload("w", w, width);
        var tb = Device.Upload("b", b, width);
        var ty = Device.Poisoned("y", rows, width);
        var tm = Device.Poisoned("mean", rows);
        var tr = Device.Poisoned("rstd", rows);
        using (var recorder = Device.BeginRecording())
        {
            recorder.LayerNorm(tx, tw, tb, ty, tm, tr);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(ty), Reference(x, w, b, width));
    }

    [Fact]
    public void ReferenceBackwardMatchesFiniteDifferences()
    {
        const int width = 7;
        var x = Numerics.Random(3 * width, 5);
        var w = Numerics.Random(width, 6);
        var b = Numerics.Random(width, 7);
        var dy = Numerics.Random(3 * width, 8);
        var (dx, dw, db) = ReferenceBackward(x, dy, w, width);
        Numerics.AssertClose(dx, Numerics.NumericGradient(v => Reference(v, w, b, width), x, dy), 1e-6, "dx");
        Numerics.AssertClose(dw, Numerics.NumericGradient(v => Reference(x, v, b, width), w, dy), 1e-6, "dweight");
        Numerics.AssertClose(db, Numerics.NumericGradient(v => Reference(x, w, v, width), b, dy), 1e-6, "dbias");
    }

    [Fact]
    public void MismatchedStatisticsAreRejected()
    {
        var x = Device.Scratch.Allocate("centres", DType.F32, 10, 16);
        var w = Device.Scratch.Allocate("w", DType.F32, 16);
        var stats = Device.Scratch.Allocate("stats", DType.F32, 16);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.LayerNorm(x, w, w, x, stats, stats));
        Assert.Contains("'mean'", e.Message);
    }
}
