using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of memory_bank_update.comp (forward only): the training-time EMA update of the class memory bank
/// <c>seeds.bank</c>, bank[c] = m bank[c] + (1 - m) mean(F8 at pixels labelled c), for classes present in the batch.
/// </summary>
public static class MemoryBankUpdateOp
{
    /// <summary>The bank's momentum m in clustseg.md.</summary>
    public const float DefaultMomentum = 0.99f;

    private const uint GpuGroup = 256;
    private const int MaxChannelsPerLane = 64; // registers one invocation keeps its channel sums in
    private const string Op = "MemoryBankUpdate";

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Push(int batch, int channels, int height, int width, int labelHeight, int labelWidth, int stride, int classes, float momentum)
    {
        public readonly uint Batch = (uint)batch;
        public readonly uint Channels = (uint)channels;
        public readonly uint Height = (uint)height;
        public readonly uint Width = (uint)width;
        public readonly uint LabelHeight = (uint)labelHeight;
        public readonly uint LabelWidth = (uint)labelWidth;
        public readonly uint Stride = (uint)stride;
        public readonly uint Classes = (uint)classes;
        public readonly float Momentum = momentum;
    }

    /// <summary>
    /// Records the update of <paramref name="bank"/> [classes, D] from <paramref name="features"/> [B, D, h, w]
    /// (detached F8) and int32 <paramref name="labels"/> [B, h * s, w * s] at full resolution; a feature pixel takes
    /// the label at the top-left of its s x s cell. Labels outside [0, classes) (255) are ignored, absent classes are
    /// left as they are. <paramref name="seen"/> [classes] int32 (zero at the start of training) marks classes updated
    /// before: a class's first update copies its mean. After loading a checkpoint, seen can be rebuilt as
    /// "row of the bank is non-zero".
    /// </summary>
    public static void MemoryBankUpdate(this CommandRecorder recorder, Tensor features, Tensor labels, Tensor bank, Tensor seen,
        float momentum = DefaultMomentum)
    {
        ShapeCheck.Rank(Op, "features", features, 4);
        ShapeCheck.Rank(Op, "labels", labels, 3);
        ShapeCheck.Rank(Op, "bank", bank, 2);
        ShapeCheck.DType(Op, "labels", labels, DType.I32);
        ShapeCheck.DType(Op, "seen", seen, DType.I32);
        var (batch, channels, height, width) = (features.Dim(0), features.Dim(1), features.Dim(2), features.Dim(3));
        var classes = bank.Dim(0);
        ShapeCheck.Exactly(Op, "bank", bank, classes, channels);
        ShapeCheck.Exactly(Op, "seen", seen, classes);
        // One subgroup per class on CPU devices (memory_bank_update.comp), 256 lanes on GPUs.
        var group = recorder.Device.Info.Kind == Vulkan.DeviceKind.Cpu ? Gemm.LanesFor(recorder.Device.Info) : GpuGroup;
        var channelsPerLane = (int)Math.Max(1, (channels + group - 1) / group);
        ShapeCheck.That(channelsPerLane <= MaxChannelsPerLane, Op,
            $"'features' ({features.Name}) has {channels} channels; the kernel handles at most {MaxChannelsPerLane * group} on this device.");
        ShapeCheck.That(height > 0 && width > 0 && labels.Dim(0) == batch && labels.Dim(1) % height == 0 && labels.Dim(2) % width == 0
                        && labels.Dim(1) / height == labels.Dim(2) / width, Op,
            $"'labels' [{labels.ShapeText}] must be [{batch}x(s*{height})x(s*{width})] for one integer stride s, to match 'features' [{features.ShapeText}].");
        var stride = labels.Dim(1) / height;
        var kernel = recorder.Device.GetKernel(new KernelSpec("memory_bank_update", 4, Marshal.SizeOf<Push>(), group, (uint)channelsPerLane));
        // Each invocation walks every feature pixel of the batch: refused, not truncated, past lavapipe's loop limit.
        CpuLoopBudget.Check(recorder.Device, "MemoryBankUpdate", (long)batch * height * (width + 1L) + batch + 2,
            $"a batch of {batch} feature maps of {height}x{width}");
        recorder.Dispatch(kernel, Groups.For1D(classes, 1), new Push(batch, channels, height, width, labels.Dim(1), labels.Dim(2), stride, classes, momentum),
            Binding.Read(features), Binding.Read(labels), Binding.ReadWrite(bank), Binding.ReadWrite(seen));
    }
}
