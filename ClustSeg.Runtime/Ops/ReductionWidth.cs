using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Workgroup size for kernels where one workgroup reduces a whole slice (a GroupNorm group, a channel over the batch).
/// Such kernels launch few workgroups (N * groups can be 16), so on a GPU each must keep many loads in flight: large
/// slices get the widest power-of-two workgroup the device allows, up to 1024; small ones 256, which wastes fewer
/// idle lanes.
/// </summary>
internal static class ReductionWidth
{
    private const long LargeSlice = 8192;

    /// <summary>The workgroup size for slices of <paramref name="elementsPerWorkgroup"/> elements.</summary>
    public static uint For(GpuDevice device, long elementsPerWorkgroup)
    {
        if (elementsPerWorkgroup < LargeSlice) return 256;
        var limit = Math.Min(Math.Min(device.Info.MaxWorkgroupInvocations, device.Info.MaxWorkgroupSize.X), 1024u);
        var width = 256u; // every Vulkan device allows 128 x 1 x 1 at least; ClustSeg's kernels already assume 256
        while (width * 2 <= limit) width *= 2;
        return width;
    }
}
