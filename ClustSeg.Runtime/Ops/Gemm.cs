using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// One batched GEMM C[z] (+)= alpha * sum_r op(A[z*R + r]) op(B[z*R + r]) (+ bias) on either GEMM kernel; the public
/// wrappers (<see cref="MatmulOp"/>) resolve shapes and transposes into this form.
/// </summary>
internal static class Gemm
{
    /// <summary>Lanes per workgroup of the register-blocked kernel where the device reports no subgroup size.</summary>
    private const int DefaultLanes = 8;
    internal const int BlockedRows = 8;
    internal const int BlockedColumnsPerLane = 2;
    // Tile of matmul_blocked_vec4.comp: 16 rows x (lanes x 16) columns; the fastest measured on lavapipe (BENCHMARKS.md).
    private const int Vec4Rows = 16;
    private const int Vec4ColumnGroups = 4;
    private const int MaxGroups = 65535;

    [StructLayout(LayoutKind.Sequential)]
    internal struct Push
    {
        public uint M, N, K, Lda, Ldb, Ldc, BatchStrideA, BatchStrideB, BatchStrideC, ReduceCount, RowGroupBase;
        public float Alpha;
        public uint Flags; // read by matmul_blocked_vec4.comp only
    }

    private const uint FlagBias = 1, FlagAccumulate = 2, FlagRowBias = 4;

    /// <summary>A GEMM to record. Stored A is M x K (K x M when <see cref="TransposeA"/>), stored B is K x N (N x K when <see cref="TransposeB"/>).</summary>
    internal readonly record struct Problem(
        Tensor A, bool TransposeA, long BatchStrideA,
        Tensor B, bool TransposeB, long BatchStrideB,
        Tensor C, Tensor? Bias,
        int M, int N, int K, int Batches, int ReduceCount, bool Accumulate, float Alpha = 1f, bool BiasPerRow = false);

    internal static GemmPath Resolve(GpuDevice device, GemmPath path) =>
        path != GemmPath.Auto ? path : device.Info.Kind == DeviceKind.Cpu ? GemmPath.RegisterBlocked : GemmPath.SharedTiled;

    internal static void Record(CommandRecorder recorder, string op, in Problem g, GemmPath path)
    {
        if (g.M == 0 || g.N == 0 || g.Batches == 0) return;
        var device = recorder.Device;
        if (Resolve(device, path) == GemmPath.RegisterBlocked && CpuLoopBudget.Applies(device) && !FitsLoopBudget(recorder, op, g, path)) return;
        var push = new Push
        {
            M = (uint)g.M, N = (uint)g.N, K = (uint)g.K,
            Lda = (uint)(g.TransposeA ? g.M : g.K),
            Ldb = (uint)(g.TransposeB ? g.K : g.N),
            Ldc = (uint)g.N,
            BatchStrideA = checked((uint)g.BatchStrideA),
            BatchStrideB = checked((uint)g.BatchStrideB),
            BatchStrideC = checked((uint)((long)g.M * g.N)),
            ReduceCount = (uint)g.ReduceCount,
            Alpha = g.Alpha,
        };
        // K = 0 still writes C (zeros plus bias), so the loops simply run empty.
        Kernel kernel;
        int rowsPerGroup;
        uint groupsX;
        if (Resolve(device, path) == GemmPath.RegisterBlocked)
        {
            var lanes = (int)LanesFor(device.Info);
            if (FitsVec4(g))
            {
                rowsPerGroup = Vec4RowsFor(g.M);
                // Products at most half a tile wide (the decoder's D = 64 linear layers) take half-width tiles instead
                // of leaving half of every lane's columns idle.
                var columnGroups = g.N <= lanes * 4 * (Vec4ColumnGroups / 2) ? Vec4ColumnGroups / 2 : Vec4ColumnGroups;
                kernel = device.GetKernel(new KernelSpec("matmul_blocked_vec4", 4, Marshal.SizeOf<Push>(),
                    (uint)lanes, SpecConstant.Bool(g.TransposeA), SpecConstant.Bool(g.TransposeB), (uint)rowsPerGroup, (uint)columnGroups));
                push.Flags = (g.Bias is null ? 0 : g.BiasPerRow ? FlagRowBias : FlagBias) | (g.Accumulate ? FlagAccumulate : 0);
                groupsX = Groups.CeilDiv(g.N, lanes * 4 * columnGroups);
            }
            else
            {
                rowsPerGroup = BlockedRowsFor(g.M);
                kernel = device.GetKernel(new KernelSpec("matmul_blocked", 4, Marshal.SizeOf<Push>(),
                    (uint)lanes, (uint)rowsPerGroup, BlockedColumnsPerLane, SpecConstant.Bool(g.TransposeA), SpecConstant.Bool(g.TransposeB),
                    SpecConstant.Bool(g.Bias is not null), SpecConstant.Bool(g.Accumulate), SpecConstant.Bool(false)));
                groupsX = Groups.CeilDiv(g.N, lanes * BlockedColumnsPerLane);
            }
        }
        else
        {
            var tiles = GemmTiles.For(device.Info);
            rowsPerGroup = tiles.BM;
            kernel = device.GetKernel(new KernelSpec("matmul_tiled", 4, Marshal.SizeOf<Push>(),
                (uint)tiles.Threads, (uint)tiles.BM, (uint)tiles.BN, (uint)tiles.BK, (uint)tiles.TM, (uint)tiles.TN,
                SpecConstant.Bool(g.TransposeA), SpecConstant.Bool(g.TransposeB), SpecConstant.Bool(g.Bias is not null), SpecConstant.Bool(g.Accumulate)));
            groupsX = Groups.CeilDiv(g.N, tiles.BN);
        }
        ShapeCheck.That(groupsX <= MaxGroups && g.Batches <= MaxGroups, op,
            $"the product is too wide to dispatch (N = {g.N}, batches = {g.Batches}); split it into several calls.");
        if (g.BiasPerRow && g.Bias is not null && kernel.Name != "matmul_blocked_vec4")
            throw new InvalidOperationException("A per-row bias is implemented by matmul_blocked_vec4 only; check its conditions before asking for one.");
        var bias = g.Bias ?? g.A; // unread when the kernel is specialised without bias; a binding must still be valid
        var rowGroups = (int)Groups.CeilDiv(g.M, rowsPerGroup);
        for (var first = 0; first < rowGroups; first += MaxGroups)
        {
            push.RowGroupBase = (uint)first;
            var count = (uint)Math.Min(MaxGroups, rowGroups - first);
            recorder.Dispatch(kernel, (groupsX, count, (uint)g.Batches), push,
                Binding.Read(g.A), Binding.Read(g.B), Binding.Read(bias), g.Accumulate ? Binding.ReadWrite(g.C) : Binding.Write(g.C));
        }
    }

    /// <summary>
    /// The register-blocked kernels loop over the K of every reduced batch in one invocation, and lavapipe silently stops
    /// an invocation's loops past 65,535 iterations (<see cref="CpuLoopBudget"/>): a weight gradient summed over a batch
    /// of 4 images of 256x256 features would pass it. Such a product is recorded here in chunks of the reduction, each
    /// accumulating into C (bias on the first only), over views of A and B at the chunk's batch; false when it was.
    /// A single reduction past the budget, or views the device cannot bind at that offset, are refused by name.
    /// </summary>
    private static bool FitsLoopBudget(CommandRecorder recorder, string op, in Problem g, GemmPath path)
    {
        long steps = FitsVec4(g) ? (g.K + 3) / 4 : g.K;
        long Iterations(long reduce) => reduce * (steps + 1) + 2;
        if (CpuLoopBudget.Fits(recorder.Device, Iterations(g.ReduceCount))) return true;
        var chunk = (int)Math.Max(1, (CpuLoopBudget.Iterations - 2) / (steps + 1));
        var chunks = new List<Problem>();
        // Chunks of the reduction are consecutive batches of A and B only when there is one output batch.
        for (var first = 0; g.Batches == 1 && first < g.ReduceCount; first += chunk)
        {
            var a = Window(g.A, first * g.BatchStrideA);
            var b = Window(g.B, first * g.BatchStrideB);
            if (a is null || b is null) break;
            chunks.Add(g with
            {
                A = a, B = b, ReduceCount = Math.Min(chunk, g.ReduceCount - first),
                Accumulate = g.Accumulate || first > 0, Bias = first == 0 ? g.Bias : null,
            });
        }
        if (chunks.Sum(c => c.ReduceCount) != g.ReduceCount || !chunks.All(c => CpuLoopBudget.Fits(recorder.Device, Iterations(c.ReduceCount))))
            CpuLoopBudget.Check(recorder.Device, op, Iterations(g.ReduceCount),
                $"a product over K = {g.K:N0}" + (g.ReduceCount > 1 ? $" summed over {g.ReduceCount} batches" : ""));
        foreach (var c in chunks) Record(recorder, op, c, path);
        return false;
    }

    private static Tensor? Window(Tensor t, long elementOffset) => t.Window(elementOffset, (int)(t.ElementCount - elementOffset));

    /// <summary>
    /// Rows per workgroup of the vec4 kernel: 16, or all of M when it is a little more (20 or 24 rows, as the superpixel
    /// CNN's 20-channel projection), which would otherwise take a second row group of mostly idle rows.
    /// </summary>
    private static int Vec4RowsFor(int m) => m is > Vec4Rows and <= Vec4Rows + 8 && m % 4 == 0 ? m : Vec4Rows;

    /// <summary>
    /// Whether matmul_blocked_vec4.comp can run <paramref name="g"/>: every stride it loads along (the rows of stored A
    /// and B, C's rows, the batch strides) must be a whole number of vec4s, tensor offsets being 64-byte aligned. M only
    /// matters when A is stored [K, M]; K only where it is a row length (A not transposed, or B transposed), since the
    /// kernel pads a ragged K with zero rows otherwise. Non-multiple-of-4 M and K are common (e.g. 103 queries of the
    /// mask-logit product), and the scalar kernel is several times slower there.
    /// </summary>
    internal static bool FitsVec4(in Problem g) =>
        g.N % 4 == 0 && (g.TransposeA ? g.M % 4 == 0 : g.K % 4 == 0) && (!g.TransposeB || g.K % 4 == 0) &&
        g.BatchStrideA % 4 == 0 && g.BatchStrideB % 4 == 0;

    /// <summary>Lanes per workgroup of the register-blocked kernels: one subgroup, the SIMD width on CPU implementations.</summary>
    internal static uint LanesFor(DeviceInfo info) => info.SubgroupSize is > 0 and <= 128 ? info.SubgroupSize : DefaultLanes;

    /// <summary>Rows per workgroup of the register-blocked kernel: fewer for short matrices so no lanes idle on clamped rows.</summary>
    internal static int BlockedRowsFor(int m) => m > 4 ? BlockedRows : m > 2 ? 4 : m;
}
