using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Workgroup size for kernels where one workgroup reduces a whole slice (a GroupNorm group, a channel over the batch).
/// Such kernels launch few workgroups (N * groups can be 16), so on a GPU each must keep many loads in flight: large
/// slices get the widest power-of-two workgroup the device allows, up to 1024; small ones 256, which wastes fewer
/// idle lanes. CPU devices get one subgroup (the SIMD width) whatever the slice.
/// </summary>
internal static class ReductionWidth
{
    private const long LargeSlice = 8192;

    /// <summary>
    /// The workgroup size for slices of <paramref name="elementsPerWorkgroup"/> elements that each lane walks
    /// <paramref name="passes"/> times (a GroupNorm reads its group twice). On CPU devices the lanes double past the
    /// SIMD width where one lane's walks would approach llvmpipe's per-invocation loop limit
    /// (<see cref="CpuLoopBudget"/>); a slice too large even for the widest workgroup is refused.
    /// </summary>
    public static uint For(GpuDevice device, long elementsPerWorkgroup, int passes = 1, string op = "reduction")
    {
        // A CPU runs a workgroup on one thread, its lanes in SIMD-wide chunks: lanes past the SIMD width add no
        // parallelism, only idle lanes on small slices (a 4x4 map in a 256-lane group) and longer barrier trees. One
        // subgroup made clustseg-tiny's GroupNorm and level-embedding kernels 4 to 7x faster on lavapipe than 256 lanes
        // (and 32 lanes only 2 to 3x; BENCHMARKS.md, "Training-step speed").
        var limit = Math.Min(Math.Min(device.Info.MaxWorkgroupInvocations, device.Info.MaxWorkgroupSize.X), 1024u);
        if (device.Info.Kind == DeviceKind.Cpu)
        {
            var lanes = Gemm.LanesFor(device.Info);
            long Walk(uint width) => passes * ((elementsPerWorkgroup + width - 1) / width);
            while (!CpuLoopBudget.Fits(device, Walk(lanes)) && lanes * 2 <= limit) lanes *= 2;
            CpuLoopBudget.Check(device, op, Walk(lanes), $"a slice of {elementsPerWorkgroup:N0} elements read {passes} times by {lanes} lanes");
            return lanes;
        }
        if (elementsPerWorkgroup < LargeSlice) return 256;
        var width = 256u; // every Vulkan device allows 128 x 1 x 1 at least; ClustSeg's kernels already assume 256
        while (width * 2 <= limit) width *= 2;
        return width;
    }
}
