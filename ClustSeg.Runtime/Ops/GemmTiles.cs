using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Ops;

/// <summary>Tile sizes of the shared-memory GEMM (matmul_tiled.comp): a BM x BN block of C per workgroup, BK deep, TM x TN per invocation.</summary>
/// <param name="BM">Rows of C per workgroup.</param>
/// <param name="BN">Columns of C per workgroup.</param>
/// <param name="BK">Depth of one shared-memory stage.</param>
/// <param name="TM">Rows per invocation.</param>
/// <param name="TN">Columns per invocation.</param>
public readonly record struct GemmTiles(int BM, int BN, int BK, int TM, int TN)
{
    /// <summary>Invocations per workgroup.</summary>
    public int Threads => BM / TM * (BN / TN);

    /// <summary>Shared memory one workgroup uses.</summary>
    public int SharedBytes => (BM + BN) * BK * sizeof(float);

    private const uint Nvidia = 0x10DE, Amd = 0x1002, Intel = 0x8086, Apple = 0x106B;

    /// <summary>Small tiles every Vulkan device can run (4 KiB shared, 256 invocations).</summary>
    public static GemmTiles Portable { get; } = new(64, 64, 8, 4, 4);

    /// <summary>
    /// The tiles for a device's vendor, falling back to <see cref="Portable"/> when the device's shared memory or
    /// workgroup size cannot hold them.
    /// </summary>
    public static GemmTiles For(DeviceInfo info)
    {
        var preferred = info.VendorId switch
        {
            // Large tiles keep the many FP32 lanes of one SM/CU busy with 8x8 outputs each; 256 invocations.
            Nvidia => new GemmTiles(128, 128, 8, 8, 8),
            Amd => new GemmTiles(128, 128, 8, 8, 8),
            // Intel Xe: smaller register files; 256 invocations with 8x4 outputs.
            Intel => new GemmTiles(128, 64, 8, 8, 4),
            // Apple: 32 KiB threadgroup memory, 1024 threads; deeper K stages amortise barriers.
            Apple => new GemmTiles(64, 64, 16, 4, 4),
            _ => Portable,
        };
        return preferred.FitsOn(info) ? preferred : Portable;
    }

    /// <summary>Whether the device's limits allow these tiles.</summary>
    public bool FitsOn(DeviceInfo info) =>
        SharedBytes <= info.SharedMemoryBytes && Threads <= info.MaxWorkgroupInvocations && Threads <= info.MaxWorkgroupSize.X &&
        BM % TM == 0 && BN % TN == 0;
}
