using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>Host side of bias_backward.comp, shared by the matmul and conv2d backward passes.</summary>
internal static class BiasGradient
{
    private const uint GroupSize = 64;

    private readonly struct Push(uint outer, uint channels, uint inner)
    {
        public readonly uint Outer = outer;
        public readonly uint Channels = channels;
        public readonly uint Inner = inner;
    }

    /// <summary>Records grad_bias[c] (+)= sum over o, i of grad viewed as [outer, channels, inner].</summary>
    internal static void Record(CommandRecorder recorder, Tensor grad, Tensor gradBias, int outer, int channels, int inner, bool accumulate)
    {
        // inner = 1 (matmul rows): lanes over channels, rows in a loop; else one workgroup per channel.
        var rows = inner == 1;
        var kernel = recorder.Device.GetKernel(new KernelSpec("bias_backward", 2, 12, GroupSize, SpecConstant.Bool(accumulate), SpecConstant.Bool(rows)));
        // The row layout loops over every outer row per invocation: refused, not truncated, past lavapipe's loop limit.
        if (rows) CpuLoopBudget.Check(recorder.Device, "BiasGradient", outer + 1L, $"{outer:N0} rows");
        recorder.Dispatch(kernel, rows ? Groups.For1D(Groups.CeilDiv(channels, GroupSize), 1) : Groups.For1D(channels, 1), new Push((uint)outer, (uint)channels, (uint)inner),
            Binding.Read(grad), accumulate ? Binding.ReadWrite(gradBias) : Binding.Write(gradBias));
    }
}
