using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of gradient_norm.comp (forward only): the L2 norm of all given tensors taken together, by partial
/// sums of squares per workgroup and one final workgroup (no atomics, so the result is deterministic). Workgroups are
/// one subgroup wide on CPU devices and <see cref="GpuGroup"/> lanes on GPUs.
/// </summary>
public static class GradientNormOp
{
    private const int TensorsPerDispatch = 8;  // bindings 0..7 of gradient_norm.comp
    private const uint GpuGroup = 256;
    private const uint MaxGroupsPerTensor = 64;
    private const string Op = "GlobalGradientNorm";

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct Push
    {
        public fixed uint Counts[TensorsPerDispatch];
        public uint FirstPartial;
        public uint GroupsPerTensor;
        public uint PartialCount;
    }

    /// <summary>
    /// Records <c>norm[0] = sqrt(sum over tensors of sum of squares)</c> over <paramref name="gradients"/> (float32,
    /// any shapes) into <paramref name="norm"/> [1]. A partial-sums temporary comes from <c>Device.Scratch</c>.
    /// </summary>
    public static unsafe void GlobalGradientNorm(this CommandRecorder recorder, IReadOnlyList<Tensor> gradients, Tensor norm)
    {
        ShapeCheck.Exactly(Op, "norm", norm, 1);
        ShapeCheck.That(gradients.Count > 0, Op, "at least one gradient tensor is needed.");
        foreach (var g in gradients) ShapeCheck.DType(Op, "gradients", g, DType.F32);
        var device = recorder.Device;
        var width = CpuLoopBudget.Applies(device) ? Gemm.LanesFor(device.Info) : GpuGroup;
        var largestTexels = (gradients.Max(g => g.ElementCount) + 3) / 4;
        var groupsPerTensor = Math.Min(MaxGroupsPerTensor, Groups.CeilDiv(Math.Max(largestTexels, 1), width));
        CpuLoopBudget.Check(device, Op, (largestTexels + groupsPerTensor * width - 1) / (groupsPerTensor * width),
            $"a gradient of {largestTexels * 4:N0} elements read by {groupsPerTensor} workgroups of {width} lanes");
        var chunks = (gradients.Count + TensorsPerDispatch - 1) / TensorsPerDispatch;
        var partialCount = (uint)(chunks * TensorsPerDispatch) * groupsPerTensor;
        // Named after the norm, so that profiles attribute the partial sums to whoever owns it (the optimizer).
        var partials = recorder.Device.Scratch.Allocate(norm.Name + ".partials", DType.F32, (int)partialCount);
        var chunkKernel = Kernel(recorder, 0, width);
        var bindings = new Binding[TensorsPerDispatch + 2];
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var push = new Push { FirstPartial = (uint)(chunk * TensorsPerDispatch) * groupsPerTensor, GroupsPerTensor = groupsPerTensor, PartialCount = partialCount };
            for (var slot = 0; slot < TensorsPerDispatch; slot++)
            {
                var index = chunk * TensorsPerDispatch + slot;
                // Unused slots read the chunk's first tensor with a count of 0, so their partials are written as 0.
                var tensor = index < gradients.Count ? gradients[index] : gradients[chunk * TensorsPerDispatch];
                push.Counts[slot] = index < gradients.Count ? checked((uint)tensor.ElementCount) : 0;
                bindings[slot] = Binding.Read(tensor);
            }
            bindings[TensorsPerDispatch] = Binding.Write(partials);
            bindings[TensorsPerDispatch + 1] = Binding.Read(norm);
            recorder.Dispatch(chunkKernel, (groupsPerTensor, TensorsPerDispatch, 1), push, bindings);
        }
        var finalPush = new Push { PartialCount = partialCount };
        for (var slot = 0; slot < TensorsPerDispatch; slot++) bindings[slot] = Binding.Read(gradients[0]);
        bindings[TensorsPerDispatch] = Binding.Read(partials);
        bindings[TensorsPerDispatch + 1] = Binding.Write(norm);
        CpuLoopBudget.Check(device, Op, (partialCount + width - 1) / width, $"{partialCount:N0} partial sums added by {width} lanes");
        recorder.Dispatch(Kernel(recorder, 1, width), (1, 1, 1), finalPush, bindings);
    }

    private static Kernel Kernel(CommandRecorder recorder, uint stage, uint width) =>
        recorder.Device.GetKernel(new KernelSpec("gradient_norm", TensorsPerDispatch + 2, Marshal.SizeOf<Push>(), width, stage));
}
