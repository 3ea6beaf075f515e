using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Workgroup counts for the per-pixel kernels on stacks of planes (plane_grid.glsl): 16 x 16 tiles of one plane in
/// x and y, planes along z (capped at the portable limit; the shaders loop over the rest).
/// </summary>
internal static class PlaneGrid
{
    private const uint Tile = 16;      // plane_grid.glsl's PLANE_TILE
    private const int MaxPlanes = 65535;

    /// <summary>Workgroups covering every pixel of <paramref name="image"/> [N, C, H, W].</summary>
    public static (uint X, uint Y, uint Z) For(Tensor image)
    {
        var planes = (long)image.Dim(0) * image.Dim(1);
        if (planes == 0 || image.Dim(2) == 0 || image.Dim(3) == 0) return (0, 0, 0);
        return (Groups.CeilDiv(image.Dim(3), Tile), Groups.CeilDiv(image.Dim(2), Tile), (uint)Math.Min(planes, MaxPlanes));
    }
}
