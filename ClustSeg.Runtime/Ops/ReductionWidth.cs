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

    /// <summary>The workgroup size for slices of <paramref name="elementsPerWorkgroup"/> elements.</summary>
    public static uint For(GpuDevice device, long elementsPerWorkgroup)
    {
        // A CPU runs a workgroup on one thread, its lanes in SIMD-wide chunks: lanes past the SIMD width add no
        // parallelism, only idle lanes on small slices (a 4x4 map in a 256-lane group) and longer barrier trees. One
        // subgroup made clustseg-tiny's GroupNorm and level-embedding kernels 4 to 7x faster on lavapipe than 256 lanes
        // (and 32 lanes only 2 to 3x; BENCHMARKS.md, "Training-step speed").
        if (device.Info.Kind == DeviceKind.Cpu) return Gemm.LanesFor(device.Info);
        if (elementsPerWorkgroup < LargeSlice) return 256;
        var limit = Math.Min(Math.Min(device.Info.MaxWorkgroupInvocations, device.Info.MaxWorkgroupSize.X), 1024u);
        var width = 256u; // every Vulkan device allows 128 x 1 x 1 at least; ClustSeg's kernels already assume 256
        while (width * 2 <= limit) width *= 2;
        return width;
    }
}
