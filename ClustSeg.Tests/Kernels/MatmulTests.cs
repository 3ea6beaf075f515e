using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class MatmulTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    /// <summary>A GEMM case: stored shapes follow from the sizes and transposes; rank-2 operands are shared over the batch.</summary>
    private sealed record Case(int Batch, int M, int N, int K, bool TransposeA, bool TransposeB, bool BatchedA, bool BatchedB)
    {
        public int[] ShapeA => Stored(BatchedA, TransposeA ? [K, M] : [M, K]);
        public int[] ShapeB => Stored(BatchedB, TransposeB ? [N, K] : [K, N]);
        public int[] ShapeC => Stored(BatchedA || BatchedB, [M, N]);
        private int[] Stored(bool batched, int[] matrix) => batched ? [Batch, .. matrix] : matrix;
        public int BatchC => BatchedA || BatchedB ? Batch : 1;

        public double OpA(double[] a, int z, int m, int k) => a[(BatchedA ? z * M * K : 0) + (TransposeA ? k * M + m : m * K + k)];
        public double OpB(double[] b, int z, int k, int n) => b[(BatchedB ? z * K * N : 0) + (TransposeB ? n * K + k : k * N + n)];
        public int IndexA(int z, int m, int k) => (BatchedA ? z * M * K : 0) + (TransposeA ? k * M + m : m * K + k);
        public int IndexB(int z, int k, int n) => (BatchedB ? z * K * N : 0) + (TransposeB ? n * K + k : k * N + n);
    }

    private static double[] Forward(Case s, double[] a, double[] b, double[]? bias)
    {
        var c = new double[s.BatchC * s.M * s.N];
        for (var z = 0; z < s.BatchC; z++)
        for (var m = 0; m < s.M; m++)
        for (var n = 0; n < s.N; n++)
        {
            double sum = bias?[n] ?? 0;
            for (var k = 0; k < s.K; k++) sum += s.OpA(a, z, m, k) * s.OpB(b, z, k, n);
            c[(z * s.M + m) * s.N + n] = sum;
        }
        return c;
    }

    /// <summary>dA = dC op(B)^T and dB = op(A)^T dC written element by element, summed over the batch for shared operands.</summary>
    private static (double[] GradA, double[] GradB, double[] GradBias) Backward(Case s, double[] a, double[] b, double[] gradC)
    {
        var gradA = new double[a.Length];
        var gradB = new double[b.Length];
        var gradBias = new double[s.N];
        for (var z = 0; z < s.BatchC; z++)
        for (var m = 0; m < s.M; m++)
        for (var n = 0; n < s.N; n++)
        {
            var g = gradC[(z * s.M + m) * s.N + n];
            gradBias[n] += g;
            for (var k = 0; k < s.K; k++)
            {
                gradA[s.IndexA(z, m, k)] += g * s.OpB(b, z, k, n);
                gradB[s.IndexB(z, k, n)] += g * s.OpA(a, z, m, k);
            }
        }
        return (gradA, gradB, gradBias);
    }

    private static int Count(int[] shape) => shape.Aggregate(1, (x, y) => x * y);

    public static TheoryData<GemmPath, bool, bool, bool> Layouts()
    {
        var data = new TheoryData<GemmPath, bool, bool, bool>();
        foreach (var path in new[] { GemmPath.RegisterBlocked, GemmPath.SharedTiled })
        foreach (var ta in new[] { false, true })
        foreach (var tb in new[] { false, true })
            data.Add(path, ta, tb, ta ^ tb); // alternate shared and batched B
        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ForwardMatchesReference(GemmPath path, bool transposeA, bool transposeB, bool sharedB)
    {
        var s = new Case(3, 13, 19, 11, transposeA, transposeB, true, !sharedB);
        var a = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeA), 1));
        var b = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeB), 2));
        var bias = Numerics.RoundToFloat(Numerics.Random(s.N, 3));
        var c = Device.Poisoned("c", s.ShapeC);
        using (var recorder = Device.BeginRecording())
        {
            recorder.Matmul(Device.Upload("a", a, s.ShapeA), Device.Upload("b", b, s.ShapeB), c, transposeA, transposeB,
                Device.Upload("bias", bias, s.N), path: path);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(c), Forward(s, a, b, bias));
    }

    public static TheoryData<bool, bool, bool, bool> AlignedLayouts()
    {
        var data = new TheoryData<bool, bool, bool, bool>();
        foreach (var ta in new[] { false, true })
        foreach (var tb in new[] { false, true })
            data.Add(ta, tb, !tb, ta); // shared A with batched B and the reverse
        return data;
    }

    /// <summary>Multiples of 4 in M, N and K take the vec4 register-blocked kernel; 20 and 36 cut its 16 x 128 tiles.</summary>
    [Theory]
    [MemberData(nameof(AlignedLayouts))]
    public void Vec4KernelMatchesReference(bool transposeA, bool transposeB, bool batchedA, bool batchedB) =>
        AssertVec4MatchesReference(new Case(2, 20, 36, 12, transposeA, transposeB, batchedA, batchedB));

    /// <summary>
    /// A ragged M (13) still takes the vec4 kernel when A is not transposed, and a ragged K (13) when A is transposed and
    /// B is not (zero-padded in the kernel); the backward GEMMs of these cases hit both forms again.
    /// </summary>
    [Theory]
    [InlineData(13, 12, false, false, true, false)]
    [InlineData(13, 12, false, true, false, true)]
    [InlineData(12, 13, true, false, true, true)]
    [InlineData(12, 13, true, false, false, true)]
    public void Vec4KernelTakesRaggedRowsAndDepth(int m, int k, bool transposeA, bool transposeB, bool batchedA, bool batchedB) =>
        AssertVec4MatchesReference(new Case(2, m, 36, k, transposeA, transposeB, batchedA, batchedB));

    /// <summary>17-24 rows take one tile of all of them (20, 24); 28 goes back to tiles of 16 with a ragged last one.</summary>
    [Theory]
    [InlineData(20)]
    [InlineData(24)]
    [InlineData(28)]
    public void Vec4KernelTilesRowsJustPastSixteen(int m) =>
        AssertVec4MatchesReference(new Case(1, m, 44, 8, false, false, false, false));

    private void AssertVec4MatchesReference(Case s)
    {
        var (transposeA, transposeB) = (s.TransposeA, s.TransposeB);
        var a = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeA), 40));
        var b = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeB), 41));
        var bias = Numerics.RoundToFloat(Numerics.Random(s.N, 42));
        var gradC = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeC), 43));
        var (gradA, gradB, _) = Backward(s, a, b, gradC);
        var c = Device.Poisoned("c", s.ShapeC);
        var da = Device.Poisoned("da", s.ShapeA);
        var db = Device.Poisoned("db", s.ShapeB);
        using (var recorder = Device.BeginRecording())
        {
            var ta = Device.Upload("a", a, s.ShapeA);
            var tb = Device.Upload("b", b, s.ShapeB);
            Assert.True(Gemm.FitsVec4(new Gemm.Problem(ta, transposeA, 0, tb, transposeB, 0, c, null, s.M, s.N, s.K, 1, 1, false)),
                "the case must exercise matmul_blocked_vec4");
            recorder.Matmul(ta, tb, c, transposeA, transposeB, Device.Upload("bias", bias, s.N), path: GemmPath.RegisterBlocked);
            recorder.MatmulBackward(ta, tb, Device.Upload("gradC", gradC, s.ShapeC), da, db, null, transposeA, transposeB, path: GemmPath.RegisterBlocked);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(c), Forward(s, a, b, bias));
        Numerics.AssertClose(Device.Read(da), gradA, what: "dA");
        Numerics.AssertClose(Device.Read(db), gradB, what: "dB");
    }

    [Theory]
    [InlineData(GemmPath.RegisterBlocked, 67, 71, 37)]
    [InlineData(GemmPath.SharedTiled, 67, 131, 37)]
    [InlineData(GemmPath.RegisterBlocked, 1, 5, 3)]
    [InlineData(GemmPath.RegisterBlocked, 3, 1, 1)]
    [InlineData(GemmPath.RegisterBlocked, 4, 4, 4)]
    [InlineData(GemmPath.RegisterBlocked, 4, 8, 0)]
    [InlineData(GemmPath.SharedTiled, 1, 1, 1)]
    public void CrossesTileEdgesAndHandlesThinShapes(GemmPath path, int m, int n, int k)
    {
        var s = new Case(1, m, n, k, false, false, false, false);
        var a = Numerics.RoundToFloat(Numerics.Random(m * k, 4));
        var b = Numerics.RoundToFloat(Numerics.Random(k * n, 5));
        var c = Device.Poisoned("c", m, n);
        using (var recorder = Device.BeginRecording())
        {
            recorder.Matmul(Device.Upload("a", a, m, k), Device.Upload("b", b, k, n), c, path: path);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(c), Forward(s, a, b, null));
    }

    [Theory]
    [InlineData(GemmPath.RegisterBlocked)]
    [InlineData(GemmPath.SharedTiled)]
    public void AccumulateAddsIntoTheOutput(GemmPath path)
    {
        var s = new Case(2, 5, 9, 7, false, true, true, true);
        var a = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeA), 6));
        var b = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeB), 7));
        var start = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeC), 8));
        var c = Device.Upload("c", start, s.ShapeC);
        using (var recorder = Device.BeginRecording())
        {
            recorder.Matmul(Device.Upload("a", a, s.ShapeA), Device.Upload("b", b, s.ShapeB), c, false, true, accumulate: true, path: path);
            recorder.Submit();
        }
        var expected = Forward(s, a, b, null).Select((v, i) => v + start[i]).ToArray();
        Numerics.AssertClose(Device.Read(c), expected);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void ReferenceBackwardMatchesFiniteDifferences(bool transposeA, bool transposeB)
    {
        var s = new Case(2, 3, 4, 5, transposeA, transposeB, true, false);
        var a = Numerics.Random(Count(s.ShapeA), 10);
        var b = Numerics.Random(Count(s.ShapeB), 11);
        var bias = Numerics.Random(s.N, 12);
        var gradC = Numerics.Random(Count(s.ShapeC), 13);
        var (gradA, gradB, gradBias) = Backward(s, a, b, gradC);
        Numerics.AssertClose(gradA, Numerics.NumericGradient(x => Forward(s, x, b, bias), a, gradC), 1e-7, "dA");
        Numerics.AssertClose(gradB, Numerics.NumericGradient(x => Forward(s, a, x, bias), b, gradC), 1e-7, "dB");
        Numerics.AssertClose(gradBias, Numerics.NumericGradient(x => Forward(s, a, b, x), bias, gradC), 1e-7, "dbias");
    }

    public static TheoryData<GemmPath, bool, bool, bool, bool> BackwardLayouts()
    {
        var data = new TheoryData<GemmPath, bool, bool, bool, bool>();
        foreach (var path in new[] { GemmPath.RegisterBlocked, GemmPath.SharedTiled })
        foreach (var ta in new[] { false, true })
        foreach (var tb in new[] { false, true })
            data.Add(path, ta, tb, !(ta && tb), !tb); // covers shared A, shared B and both batched
        return data;
    }

    [Theory]
    [MemberData(nameof(BackwardLayouts))]
    public void DeviceBackwardMatchesReference(GemmPath path, bool transposeA, bool transposeB, bool batchedA, bool batchedB)
    {
        var s = new Case(3, 11, 7, 13, transposeA, transposeB, batchedA, batchedB);
        var a = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeA), 20));
        var b = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeB), 21));
        var gradC = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeC), 22));
        var (gradA, gradB, gradBias) = Backward(s, a, b, gradC);
        var da = Device.Poisoned("da", s.ShapeA);
        var db = Device.Poisoned("db", s.ShapeB);
        var dbias = Device.Poisoned("dbias", s.N);
        using (var recorder = Device.BeginRecording())
        {
            recorder.MatmulBackward(Device.Upload("a", a, s.ShapeA), Device.Upload("b", b, s.ShapeB), Device.Upload("gradC", gradC, s.ShapeC),
                da, db, dbias, transposeA, transposeB, path: path);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(da), gradA, what: "dA");
        Numerics.AssertClose(Device.Read(db), gradB, what: "dB");
        Numerics.AssertClose(Device.Read(dbias), gradBias, what: "dbias");
    }

    [Fact]
    public void ABatchSummedPastLavapipesLoopLimitIsSplitIntoChunks()
    {
        // dB of a B shared over 2 batches sums 2 x 140,000 rows in one invocation: about 70,000 loop iterations on the
        // vec4 kernel, past lavapipe's 65,535 (CpuLoopBudget); Gemm records it as two accumulating chunks instead.
        var s = new Case(2, 140_000, 4, 4, false, false, true, false);
        var a = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeA), 40));
        var b = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeB), 41));
        var gradC = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeC), 42));
        var db = Device.Poisoned("db", s.ShapeB);
        using (var recorder = Device.BeginRecording())
        {
            recorder.MatmulBackward(Device.Upload("a", a, s.ShapeA), Device.Upload("b", b, s.ShapeB), Device.Upload("gradC", gradC, s.ShapeC), null, db);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(db), Backward(s, a, b, gradC).GradB, what: "dB");
    }

    [Fact]
    public void OneReductionPastLavapipesLoopLimitIsRefusedByName()
    {
        var s = new Case(1, 250_000, 4, 4, false, false, false, false);
        using var recorder = Device.BeginRecording();
        if (Device.Info.Kind != ClustSeg.Runtime.Vulkan.DeviceKind.Cpu) return;
        var e = Assert.Throws<ClustSegException>(() => recorder.MatmulBackward(Device.Poisoned("a", s.ShapeA), Device.Poisoned("b", s.ShapeB),
            Device.Poisoned("gradC", s.ShapeC), null, Device.Poisoned("db", s.ShapeB)));
        Assert.Contains("loop limit", e.Message);
        Assert.Contains("K = 250,000", e.Message);
    }

    [Fact]
    public void BiasGradientOverManyColumnsMatchesReference()
    {
        // 131 columns span three workgroups of bias_backward.comp's row mode (64 lanes, one column each), the last one ragged.
        var s = new Case(3, 5, 131, 2, false, false, true, true);
        var a = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeA), 33));
        var b = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeB), 34));
        var gradC = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeC), 35));
        var (_, _, gradBias) = Backward(s, a, b, gradC);
        var start = Numerics.RoundToFloat(Numerics.Random(s.N, 36));
        var dbias = Device.Poisoned("dbias", s.N);
        var accumulated = Device.Upload("dbias2", start, s.N);
        using (var recorder = Device.BeginRecording())
        {
            var (ta, tb, tc) = (Device.Upload("a", a, s.ShapeA), Device.Upload("b", b, s.ShapeB), Device.Upload("gradC", gradC, s.ShapeC));
            recorder.MatmulBackward(ta, tb, tc, null, null, dbias, false, false);
            recorder.MatmulBackward(ta, tb, tc, null, null, accumulated, false, false, accumulate: true);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(dbias), gradBias, what: "dbias");
        Numerics.AssertClose(Device.Read(accumulated), gradBias.Select((v, i) => v + start[i]).ToArray(), what: "accumulated dbias");
    }

    [Fact]
    public void BackwardAccumulatesIntoExistingGradients()
    {
        var s = new Case(1, 6, 5, 4, false, false, false, false);
        var a = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeA), 30));
        var b = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeB), 31));
        var gradC = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeC), 32));
        var startA = Numerics.RoundToFloat(Numerics.Random(a.Length, 33));
        var startBias = Numerics.RoundToFloat(Numerics.Random(s.N, 34));
        var (gradA, _, gradBias) = Backward(s, a, b, gradC);
        var da = Device.Upload("da", startA, s.ShapeA);
        var dbias = Device.Upload("dbias", startBias, s.N);
        using (var recorder = Device.BeginRecording())
        {
            recorder.MatmulBackward(Device.Upload("a", a, s.ShapeA), Device.Upload("b", b, s.ShapeB), Device.Upload("gradC", gradC, s.ShapeC),
                da, null, dbias, accumulate: true);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(da), gradA.Select((v, i) => v + startA[i]).ToArray(), what: "dA");
        Numerics.AssertClose(Device.Read(dbias), gradBias.Select((v, i) => v + startBias[i]).ToArray(), what: "dbias");
    }

    [Fact]
    public void MismatchedShapesAreRejectedWithBothShapes()
    {
        var a = Device.Poisoned("x", 4, 5);
        var b = Device.Poisoned("w", 6, 7);
        var c = Device.Poisoned("y", 4, 7);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() => recorder.Matmul(a, b, c));
        Assert.Contains("[4x5]", e.Message);
        Assert.Contains("[6x7]", e.Message);
        Assert.Throws<ShapeMismatchException>(() => recorder.Matmul(a, Device.Poisoned("w2", 5, 7), Device.Poisoned("bad", 4, 8)));
    }
}
