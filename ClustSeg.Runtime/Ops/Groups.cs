namespace ClustSeg.Runtime.Ops;

/// <summary>Workgroup-count arithmetic shared by the host wrappers.</summary>
public static class Groups
{
    /// <summary>Ceiling division.</summary>
    public static uint CeilDiv(long value, long divisor) => checked((uint)((value + divisor - 1) / divisor));

    /// <summary>Workgroups covering <paramref name="count"/> items in groups of <paramref name="groupSize"/> along x.</summary>
    /// <remarks>Past 65535 workgroups the grid spills into y; shaders index with linear_index() from common.glsl.</remarks>
    public static (uint X, uint Y, uint Z) For1D(long count, uint groupSize)
    {
        const uint maxPerDimension = 65535;
        var groups = CeilDiv(Math.Max(count, 1), groupSize);
        if (groups <= maxPerDimension) return (groups, 1, 1);
        return (maxPerDimension, CeilDiv(groups, maxPerDimension), 1);
    }
}
