namespace ClustSeg.Runtime.Vulkan;

/// <summary>Kind of a Vulkan physical device, in ClustSeg's order of preference (lower is preferred).</summary>
public enum DeviceKind
{
    /// <summary>A discrete GPU.</summary>
    Discrete = 0,
    /// <summary>A GPU sharing memory with the CPU.</summary>
    Integrated = 1,
    /// <summary>A GPU seen through virtualisation.</summary>
    Virtual = 2,
    /// <summary>A CPU implementation such as Mesa's lavapipe.</summary>
    Cpu = 3,
    /// <summary>Anything else.</summary>
    Other = 4,
}

/// <summary>One memory heap of a device.</summary>
/// <param name="SizeBytes">Heap size in bytes.</param>
/// <param name="DeviceLocal">Whether the heap is device-local memory.</param>
public readonly record struct MemoryHeapInfo(ulong SizeBytes, bool DeviceLocal);

/// <summary>Capability summary of one Vulkan physical device, as ClustSeg uses it.</summary>
public sealed record DeviceInfo
{
    /// <summary>Position in the driver's enumeration (after deduplication the original index is kept).</summary>
    public int Index { get; init; }
    /// <summary>Device name as reported by the driver.</summary>
    public string Name { get; init; } = "";
    /// <summary>Device type.</summary>
    public DeviceKind Kind { get; init; }
    /// <summary>PCI vendor id.</summary>
    public uint VendorId { get; init; }
    /// <summary>Vendor-specific device id.</summary>
    public uint DeviceId { get; init; }
    /// <summary>Driver name (empty where the driver does not report one).</summary>
    public string DriverName { get; init; } = "";
    /// <summary>Driver information string (version details).</summary>
    public string DriverInfo { get; init; } = "";
    /// <summary>Raw driver version.</summary>
    public uint DriverVersion { get; init; }
    /// <summary>Highest Vulkan API version the device supports, as major.minor.patch.</summary>
    public string ApiVersion { get; init; } = "";
    /// <summary>Device UUID as hex; identical devices seen through two drivers share it.</summary>
    public string Uuid { get; init; } = "";
    /// <summary>Pipeline cache UUID as hex.</summary>
    public string PipelineCacheUuid { get; init; } = "";
    /// <summary>Memory heaps.</summary>
    public IReadOnlyList<MemoryHeapInfo> Heaps { get; init; } = [];
    /// <summary>Maximum workgroup size per dimension.</summary>
    public (uint X, uint Y, uint Z) MaxWorkgroupSize { get; init; }
    /// <summary>Maximum invocations in one workgroup.</summary>
    public uint MaxWorkgroupInvocations { get; init; }
    /// <summary>Shared (workgroup) memory in bytes.</summary>
    public uint SharedMemoryBytes { get; init; }
    /// <summary>Subgroup (warp/wave) size.</summary>
    public uint SubgroupSize { get; init; }
    /// <summary>Whether shaders can do fp16 arithmetic.</summary>
    public bool Float16 { get; init; }
    /// <summary>Whether shaders can do int8 arithmetic.</summary>
    public bool Int8 { get; init; }
    /// <summary>Whether a cooperative-matrix extension is listed.</summary>
    public bool CooperativeMatrix { get; init; }
    /// <summary>Whether compute queues support timestamp queries.</summary>
    public bool Timestamps { get; init; }
    /// <summary>Meaningful low bits of a timestamp on the compute queue (differences wrap at this width).</summary>
    public uint TimestampValidBits { get; init; }
    /// <summary>Nanoseconds per timestamp tick.</summary>
    public float TimestampPeriodNs { get; init; }
    /// <summary>Largest range of one storage-buffer binding.</summary>
    public ulong MaxStorageBufferRange { get; init; }
    /// <summary>Largest single memory allocation.</summary>
    public ulong MaxMemoryAllocationSize { get; init; }
    /// <summary>Required alignment of storage-buffer binding offsets.</summary>
    public ulong MinStorageBufferOffsetAlignment { get; init; }
    /// <summary>Required alignment of texel-buffer view offsets.</summary>
    public ulong MinTexelBufferOffsetAlignment { get; init; }
    /// <summary>Most texels one texel-buffer view can address.</summary>
    public uint MaxTexelBufferElements { get; init; }
    /// <summary>Whether the device needs VK_KHR_portability_subset (MoltenVK).</summary>
    public bool PortabilitySubset { get; init; }

    /// <summary>Total size of device-local heaps.</summary>
    public ulong DeviceLocalBytes => Heaps.Where(h => h.DeviceLocal).Aggregate(0UL, (a, h) => a + h.SizeBytes);

    /// <summary>A one-line summary for logs and `clustseg-cli devices`.</summary>
    public string Summary =>
        $"{Name} [{Kind.ToString().ToLowerInvariant()}] driver {(DriverName.Length > 0 ? DriverName : "?")} {DriverInfo}, " +
        $"Vulkan {ApiVersion}, {DeviceLocalBytes / (1024.0 * 1024 * 1024):0.0} GiB, subgroup {SubgroupSize}, " +
        $"shared {SharedMemoryBytes / 1024} KiB" +
        (Float16 ? ", fp16" : "") + (Int8 ? ", int8" : "") + (CooperativeMatrix ? ", coopmat" : "") +
        (Timestamps ? ", timestamps" : "");
}
