using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of rcross_em.comp / rcross_em_backward.comp: one EM iteration of recurrent cross-attention
/// (clustseg.md "Recurrent cross-attention"). Per head h (channels h*D/H .. (h+1)*D/H - 1):
/// A = softmax over clusters of Qh Kh^T / sqrt(D/H) (E-step), C_h = (A Vh) / (A 1 + 1e-6) (M-step).
/// </summary>
public static class RCrossEmOp
{
    /// <summary>The mass normaliser's epsilon, per head and cluster.</summary>
    public const float MassEpsilon = 1e-6f;

    private const uint GroupSize = 64;
    private const int MaxHeadWidth = 128;
    private const string Op = "RCrossEmStep";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Push(int batch, int clusters, int pixels, int channels, int heads)
    {
        public readonly uint Batch = (uint)batch;
        public readonly uint Clusters = (uint)clusters;
        public readonly uint Pixels = (uint)pixels;
        public readonly uint Channels = (uint)channels;
        public readonly uint Heads = (uint)heads;
        public readonly float Scale = 1f / MathF.Sqrt(channels / heads);
    }

    /// <summary>
    /// Records the EM step: <paramref name="centres"/> [B, K, D] from <paramref name="queries"/> [B, K, D],
    /// <paramref name="keys"/> [B, N, D] and <paramref name="values"/> [B, N, D]. Also writes what backward needs:
    /// <paramref name="assignment"/> [B, H, K, N] (softmax over K) and <paramref name="mass"/> [B, H, K] (sum over N).
    /// </summary>
    public static void RCrossEmStep(this CommandRecorder recorder, Tensor queries, Tensor keys, Tensor values, int heads,
        Tensor centres, Tensor assignment, Tensor mass)
    {
        var (batch, clusters, pixels, channels) = CheckInputs(queries, keys, values, heads);
        ShapeCheck.Exactly(Op, "centres", centres, batch, clusters, channels);
        ShapeCheck.Exactly(Op, "assignment", assignment, batch, heads, clusters, pixels);
        ShapeCheck.Exactly(Op, "mass", mass, batch, heads, clusters);
        var push = new Push(batch, clusters, pixels, channels, heads);
        // The assignment is bound twice: written by the E-step (storage, 3), read by the M-step (texel view, 6).
        Binding[] bindings =
        [
            Binding.Read(queries), Binding.Read(keys), Binding.Read(values),
            Binding.Write(assignment), Binding.Write(centres), Binding.Write(mass), Binding.Read(assignment),
        ];
        var headWidth = channels / heads;
        var perLane = PixelsPerLane(recorder, pixels, headWidth);
        recorder.Dispatch(Kernel(recorder, "rcross_em", 7, 0, headWidth, perLane), PerHead(pixels / perLane, batch, heads), push, bindings);
        var clustersPerLane = ClustersPerLane(recorder);
        recorder.Dispatch(Kernel(recorder, "rcross_em", 7, 1, headWidth, 1, clustersPerLane),
            PerHead((clusters + clustersPerLane - 1) / clustersPerLane, batch, heads), push, bindings);
    }

    /// <summary>
    /// Records the backward of <see cref="RCrossEmStep"/>: overwrites <paramref name="queriesGrad"/>,
    /// <paramref name="keysGrad"/> and <paramref name="valuesGrad"/> (shapes of their inputs) from
    /// <paramref name="centresGrad"/> [B, K, D], given the forward's inputs, <paramref name="assignment"/>,
    /// <paramref name="mass"/> and <paramref name="centres"/>. Temporaries from <c>Device.Scratch</c>: the per-cluster
    /// dot products [B, H, K] and the logit gradients [B, H, K, N].
    /// </summary>
    public static void RCrossEmStepBackward(this CommandRecorder recorder, Tensor queries, Tensor keys, Tensor values, int heads,
        Tensor assignment, Tensor mass, Tensor centres, Tensor centresGrad, Tensor queriesGrad, Tensor keysGrad, Tensor valuesGrad)
    {
        const string op = Op + "Backward";
        var (batch, clusters, pixels, channels) = CheckInputs(queries, keys, values, heads);
        ShapeCheck.Exactly(op, "assignment", assignment, batch, heads, clusters, pixels);
        ShapeCheck.Exactly(op, "mass", mass, batch, heads, clusters);
        ShapeCheck.Same(op, "centres", centres, "queries", queries);
        ShapeCheck.Same(op, "centresGrad", centresGrad, "queries", queries);
        ShapeCheck.Same(op, "queriesGrad", queriesGrad, "queries", queries);
        ShapeCheck.Same(op, "keysGrad", keysGrad, "keys", keys);
        ShapeCheck.Same(op, "valuesGrad", valuesGrad, "values", values);
        // Named after the layer's gradient, so that profiles attribute the temporaries' dispatches to the layer.
        var centreDot = recorder.Device.Scratch.Allocate(queriesGrad.Name + ".rcross_em.centre_dot", DType.F32, batch, heads, clusters);
        var scoresGrad = recorder.Device.Scratch.Allocate(queriesGrad.Name + ".rcross_em.scores_grad", DType.F32, batch, heads, clusters, pixels);
        var push = new Push(batch, clusters, pixels, channels, heads);
        // centreDot and scoresGrad are bound twice: written by one stage (storage, 7 and 8), read by the next
        // (texel views, 12 and 13).
        Binding[] bindings =
        [
            Binding.Read(queries), Binding.Read(keys), Binding.Read(values), Binding.Read(assignment), Binding.Read(mass),
            Binding.Read(centres), Binding.Read(centresGrad), Binding.Write(centreDot), Binding.Write(scoresGrad),
            Binding.Write(queriesGrad), Binding.Write(keysGrad), Binding.Write(valuesGrad), Binding.Read(centreDot), Binding.Read(scoresGrad),
        ];
        var headWidth = channels / heads;
        var perLane = PixelsPerLane(recorder, pixels, headWidth);
        recorder.Dispatch(Kernel(recorder, "rcross_em_backward", 14, 0, headWidth), Groups.For1D((long)batch * heads * clusters, GroupSize), push, bindings);
        recorder.Dispatch(Kernel(recorder, "rcross_em_backward", 14, 1, headWidth, perLane), PerHead(pixels / perLane, batch, heads), push, bindings);
        var clustersPerLane = ClustersPerLane(recorder);
        recorder.Dispatch(Kernel(recorder, "rcross_em_backward", 14, 2, headWidth, 1, clustersPerLane),
            PerHead((clusters + clustersPerLane - 1) / clustersPerLane, batch, heads), push, bindings);
    }

    private static (int Batch, int Clusters, int Pixels, int Channels) CheckInputs(Tensor queries, Tensor keys, Tensor values, int heads)
    {
        ShapeCheck.Rank(Op, "queries", queries, 3);
        ShapeCheck.Rank(Op, "keys", keys, 3);
        var (batch, clusters, channels) = (queries.Dim(0), queries.Dim(1), queries.Dim(2));
        var pixels = keys.Dim(1);
        ShapeCheck.Exactly(Op, "keys", keys, batch, pixels, channels);
        ShapeCheck.Same(Op, "values", values, "keys", keys);
        ShapeCheck.That(heads > 0 && channels % heads == 0, Op,
            $"the channel count {channels} of 'queries' ({queries.Name}) must be a positive multiple of the head count {heads}.");
        ShapeCheck.That(channels / heads <= MaxHeadWidth, Op,
            $"the head width {channels / heads} (channels {channels} / heads {heads}) exceeds {MaxHeadWidth}, the most the kernel keeps in registers.");
        ShapeCheck.That((long)batch * heads <= 65535 && Groups.CeilDiv(Math.Max(pixels, clusters), GroupSize) <= 65535, Op,
            $"batch x heads ({batch} x {heads}) and the pixel count {pixels} / {GroupSize} must each stay within 65535 workgroups.");
        return (batch, clusters, pixels, channels);
    }

    // Workgroups along x cover the items, y enumerates (batch, head) so both are uniform per workgroup.
    private static (uint X, uint Y, uint Z) PerHead(int items, int batch, int heads) =>
        (Groups.CeilDiv(Math.Max(items, 1), GroupSize), (uint)(batch * heads), 1);

    // Pixels per invocation of the per-pixel stages: on CPU devices 8 or 4, where it saves loads and stores
    // (rcross_em.comp), when the pixels' assignments are whole aligned texels and their slices whole texels; else 1.
    // 8 measured about 7% less RCross time than 4 in the 256x256 training step (BENCHMARKS.md, seventh session).
    private static int PixelsPerLane(CommandRecorder recorder, int pixels, int headWidth) =>
        recorder.Device.Info.Kind != Vulkan.DeviceKind.Cpu || headWidth % 4 != 0 ? 1 : pixels % 8 == 0 ? 8 : pixels % 4 == 0 ? 4 : 1;

    // Clusters per invocation of the per-cluster stages (M-step, query gradient): 4 on CPU devices, so that each
    // pixel's slice is fetched once for 4 clusters; GPUs keep one cluster per thread for parallelism.
    private static int ClustersPerLane(CommandRecorder recorder) => recorder.Device.Info.Kind == Vulkan.DeviceKind.Cpu ? 4 : 1;

    private static Kernel Kernel(CommandRecorder recorder, string shader, int buffers, uint stage, int headWidth, int pixelsPerLane = 1,
        int clustersPerLane = 1) =>
        recorder.Device.GetKernel(new KernelSpec(shader, buffers, Marshal.SizeOf<Push>(), GroupSize, stage, (uint)headWidth,
            (uint)pixelsPerLane, (uint)clustersPerLane));
}
