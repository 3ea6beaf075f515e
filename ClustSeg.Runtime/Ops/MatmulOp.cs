using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of the GEMM kernels: batched <c>C = op(A) op(B) (+ bias)</c> and its backward. Matrices are the last
/// two dimensions of rank-2 or rank-3 tensors; a rank-2 operand next to a rank-3 one is shared over the batch (for
/// example weights). op(X) is X or its transpose. The kernel (register-blocked or shared-memory tiled) is chosen by
/// device unless <see cref="GemmPath"/> forces one.
/// </summary>
public static class MatmulOp
{
    private const string Op = "matmul";

    /// <summary>Records <c>C = op(A) op(B) (+ bias over the last dimension)</c>, or <c>C += ...</c> when <paramref name="accumulate"/>.</summary>
    /// <param name="recorder">The recording.</param>
    /// <param name="a">[M, K] or [batch, M, K]; [K, M] / [batch, K, M] when <paramref name="transposeA"/>.</param>
    /// <param name="b">[K, N] or [batch, K, N]; [N, K] / [batch, N, K] when <paramref name="transposeB"/>.</param>
    /// <param name="c">Output [M, N], or [batch, M, N] when either input has a batch.</param>
    /// <param name="transposeA">Use A transposed.</param>
    /// <param name="transposeB">Use B transposed (e.g. weights stored [out, in]).</param>
    /// <param name="bias">Optional [N], added to every row.</param>
    /// <param name="accumulate">Add into <paramref name="c"/> instead of overwriting it.</param>
    /// <param name="path">Force a GEMM kernel (tests, benchmarks); Auto picks by device.</param>
    public static void Matmul(this CommandRecorder recorder, Tensor a, Tensor b, Tensor c, bool transposeA = false, bool transposeB = false,
        Tensor? bias = null, bool accumulate = false, GemmPath path = GemmPath.Auto)
    {
        var s = Resolve(a, b, c, transposeA, transposeB);
        if (bias is not null) ShapeCheck.Exactly(Op, "bias", bias, s.N);
        Gemm.Record(recorder, Op, new Gemm.Problem(
            a, transposeA, s.BatchedA ? (long)s.M * s.K : 0,
            b, transposeB, s.BatchedB ? (long)s.K * s.N : 0,
            c, bias, s.M, s.N, s.K, s.Batch, 1, accumulate), path);
    }

    /// <summary>
    /// Records the gradients of <see cref="Matmul"/> given <paramref name="gradC"/>: any of <paramref name="gradA"/>,
    /// <paramref name="gradB"/>, <paramref name="gradBias"/> may be null to skip it. A shared (rank-2) operand's
    /// gradient is summed over the batch.
    /// </summary>
    /// <param name="recorder">The recording.</param>
    /// <param name="a">Forward input A.</param>
    /// <param name="b">Forward input B.</param>
    /// <param name="gradC">Gradient of the loss with respect to C.</param>
    /// <param name="gradA">Receives dL/dA (shape of <paramref name="a"/>), or null.</param>
    /// <param name="gradB">Receives dL/dB (shape of <paramref name="b"/>), or null.</param>
    /// <param name="gradBias">Receives dL/dbias [N], or null.</param>
    /// <param name="transposeA">As in the forward call.</param>
    /// <param name="transposeB">As in the forward call.</param>
    /// <param name="accumulate">Add into the gradient tensors instead of overwriting them (gradient fan-in).</param>
    /// <param name="path">Force a GEMM kernel; Auto picks by device.</param>
    public static void MatmulBackward(this CommandRecorder recorder, Tensor a, Tensor b, Tensor gradC, Tensor? gradA, Tensor? gradB,
        Tensor? gradBias = null, bool transposeA = false, bool transposeB = false, bool accumulate = false, GemmPath path = GemmPath.Auto)
    {
        var s = Resolve(a, b, gradC, transposeA, transposeB);
        long strideA = s.BatchedA ? (long)s.M * s.K : 0, strideB = s.BatchedB ? (long)s.K * s.N : 0, strideC = (long)s.M * s.N;
        if (gradA is not null)
        {
            ShapeCheck.Same(Op, "gradA", gradA, "a", a);
            // A shared over the batch sums its per-batch gradients inside the kernel (reduce over batches).
            var (batches, reduce) = s.BatchedA ? (s.Batch, 1) : (1, s.Batch);
            var g = transposeA
                ? new Gemm.Problem(b, transposeB, strideB, gradC, true, strideC, gradA, null, s.K, s.M, s.N, batches, reduce, accumulate)
                : new Gemm.Problem(gradC, false, strideC, b, !transposeB, strideB, gradA, null, s.M, s.K, s.N, batches, reduce, accumulate);
            Gemm.Record(recorder, Op, g, path);
        }
        if (gradB is not null)
        {
            ShapeCheck.Same(Op, "gradB", gradB, "b", b);
            var (batches, reduce) = s.BatchedB ? (s.Batch, 1) : (1, s.Batch);
            var g = transposeB
                ? new Gemm.Problem(gradC, true, strideC, a, transposeA, strideA, gradB, null, s.N, s.K, s.M, batches, reduce, accumulate)
                : new Gemm.Problem(a, !transposeA, strideA, gradC, false, strideC, gradB, null, s.K, s.N, s.M, batches, reduce, accumulate);
            Gemm.Record(recorder, Op, g, path);
        }
        if (gradBias is not null)
        {
            ShapeCheck.Exactly(Op, "gradBias", gradBias, s.N);
            BiasGradient.Record(recorder, gradC, gradBias, s.Batch * s.M, s.N, 1, accumulate);
        }
    }

    /// <summary>The GEMM kernel <see cref="Matmul"/> runs on <paramref name="device"/> for <paramref name="path"/> (Auto resolves by device kind).</summary>
    public static GemmPath ResolvePath(GpuDevice device, GemmPath path = GemmPath.Auto) => Gemm.Resolve(device, path);

    private readonly record struct Sizes(int Batch, int M, int N, int K, bool BatchedA, bool BatchedB);

    private static Sizes Resolve(Tensor a, Tensor b, Tensor c, bool transposeA, bool transposeB)
    {
        foreach (var (name, t) in new[] { ("a", a), ("b", b), ("c", c) })
        {
            ShapeCheck.DType(Op, name, t, DType.F32);
            ShapeCheck.That(t.Rank is 2 or 3, Op, $"'{name}' ({t.Name}) must be a matrix [rows, cols] or a batch of matrices [batch, rows, cols], got [{t.ShapeText}].");
        }
        var (m, ka) = transposeA ? (a.Dim(-1), a.Dim(-2)) : (a.Dim(-2), a.Dim(-1));
        var (kb, n) = transposeB ? (b.Dim(-1), b.Dim(-2)) : (b.Dim(-2), b.Dim(-1));
        ShapeCheck.That(ka == kb, Op,
            $"inner dimensions differ: op(a) of '{a.Name}' [{a.ShapeText}]{(transposeA ? " transposed" : "")} is {m}x{ka}, " +
            $"op(b) of '{b.Name}' [{b.ShapeText}]{(transposeB ? " transposed" : "")} is {kb}x{n}.");
        bool batchedA = a.Rank == 3, batchedB = b.Rank == 3;
        if (batchedA && batchedB)
            ShapeCheck.That(a.Dim(0) == b.Dim(0), Op, $"batch sizes differ: '{a.Name}' [{a.ShapeText}] and '{b.Name}' [{b.ShapeText}].");
        var batch = batchedA ? a.Dim(0) : batchedB ? b.Dim(0) : 1;
        if (batchedA || batchedB) ShapeCheck.Exactly(Op, "c", c, batch, m, n);
        else ShapeCheck.Exactly(Op, "c", c, m, n);
        return new Sizes(batch, m, n, ka, batchedA, batchedB);
    }
}
