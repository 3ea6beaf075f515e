using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace ClustSeg.Runtime.Vulkan;

/// <summary>Reads a physical device's properties, features and extensions into a <see cref="DeviceInfo"/>.</summary>
internal static unsafe class DeviceQuery
{
    public static HashSet<string> Extensions(Vk vk, PhysicalDevice device)
    {
        uint count = 0;
        vk.EnumerateDeviceExtensionProperties(device, (byte*)null, &count, null);
        var props = new ExtensionProperties[count];
        fixed (ExtensionProperties* p = props)
            vk.EnumerateDeviceExtensionProperties(device, (byte*)null, &count, p);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < props.Length; i++)
            fixed (byte* name = props[i].ExtensionName)
                names.Add(SilkMarshal.PtrToString((nint)name)!);
        return names;
    }

    /// <summary>Index of a queue family with compute support, preferring one without graphics (a dedicated compute queue).</summary>
    public static (uint Family, uint TimestampValidBits) ComputeQueue(Vk vk, PhysicalDevice device)
    {
        uint count = 0;
        vk.GetPhysicalDeviceQueueFamilyProperties(device, &count, null);
        var families = new QueueFamilyProperties[count];
        fixed (QueueFamilyProperties* p = families)
            vk.GetPhysicalDeviceQueueFamilyProperties(device, &count, p);
        int best = -1;
        for (var i = 0; i < families.Length; i++)
        {
            if (!families[i].QueueFlags.HasFlag(QueueFlags.ComputeBit)) continue;
            if (best < 0 || (!families[i].QueueFlags.HasFlag(QueueFlags.GraphicsBit) &&
                             families[best].QueueFlags.HasFlag(QueueFlags.GraphicsBit)))
                best = i;
        }
        return best < 0 ? (uint.MaxValue, 0u) : ((uint)best, families[best].TimestampValidBits);
    }

    public static DeviceInfo Describe(GpuInstance instance, PhysicalDevice device, int index)
    {
        var vk = instance.Vk;
        var extensions = Extensions(vk, device);
        vk.GetPhysicalDeviceProperties(device, out var basic);
        var deviceApi = Math.Min(basic.ApiVersion, instance.ApiVersion);
        var hasDriverProps = deviceApi >= ((1u << 22) | (2u << 12)) || extensions.Contains("VK_KHR_driver_properties");

        var idProps = new PhysicalDeviceIDProperties { SType = StructureType.PhysicalDeviceIDProperties };
        var subgroup = new PhysicalDeviceSubgroupProperties { SType = StructureType.PhysicalDeviceSubgroupProperties, PNext = &idProps };
        var driver = new PhysicalDeviceDriverProperties { SType = StructureType.PhysicalDeviceDriverProperties, PNext = &subgroup };
        var props2 = new PhysicalDeviceProperties2
        {
            SType = StructureType.PhysicalDeviceProperties2,
            PNext = hasDriverProps ? &driver : &subgroup,
        };
        vk.GetPhysicalDeviceProperties2(device, &props2);
        var p = props2.Properties;

        var hasFloat16Int8 = deviceApi >= ((1u << 22) | (2u << 12)) || extensions.Contains("VK_KHR_shader_float16_int8");
        var f16 = new PhysicalDeviceShaderFloat16Int8Features { SType = StructureType.PhysicalDeviceShaderFloat16Int8Features };
        var features2 = new PhysicalDeviceFeatures2 { SType = StructureType.PhysicalDeviceFeatures2, PNext = hasFloat16Int8 ? &f16 : null };
        vk.GetPhysicalDeviceFeatures2(device, &features2);

        vk.GetPhysicalDeviceMemoryProperties(device, out var memory);
        var heaps = new List<MemoryHeapInfo>();
        for (var i = 0; i < memory.MemoryHeapCount; i++)
            heaps.Add(new MemoryHeapInfo(memory.MemoryHeaps[i].Size, memory.MemoryHeaps[i].Flags.HasFlag(MemoryHeapFlags.DeviceLocalBit)));

        var (family, timestampBits) = ComputeQueue(vk, device);
        return new DeviceInfo
        {
            Index = index,
            Name = SilkMarshal.PtrToString((nint)p.DeviceName) ?? "?",
            Kind = p.DeviceType switch
            {
                PhysicalDeviceType.DiscreteGpu => DeviceKind.Discrete,
                PhysicalDeviceType.IntegratedGpu => DeviceKind.Integrated,
                PhysicalDeviceType.VirtualGpu => DeviceKind.Virtual,
                PhysicalDeviceType.Cpu => DeviceKind.Cpu,
                _ => DeviceKind.Other,
            },
            VendorId = p.VendorID,
            DeviceId = p.DeviceID,
            DriverName = hasDriverProps ? SilkMarshal.PtrToString((nint)driver.DriverName) ?? "" : "",
            DriverInfo = hasDriverProps ? SilkMarshal.PtrToString((nint)driver.DriverInfo) ?? "" : "",
            DriverVersion = p.DriverVersion,
            ApiVersion = GpuInstance.FormatVersion(p.ApiVersion),
            Uuid = Convert.ToHexString(new ReadOnlySpan<byte>(idProps.DeviceUuid, 16)),
            PipelineCacheUuid = Convert.ToHexString(new ReadOnlySpan<byte>(p.PipelineCacheUuid, 16)),
            Heaps = heaps,
            MaxWorkgroupSize = (p.Limits.MaxComputeWorkGroupSize[0], p.Limits.MaxComputeWorkGroupSize[1], p.Limits.MaxComputeWorkGroupSize[2]),
            MaxWorkgroupInvocations = p.Limits.MaxComputeWorkGroupInvocations,
            SharedMemoryBytes = p.Limits.MaxComputeSharedMemorySize,
            SubgroupSize = subgroup.SubgroupSize,
            Float16 = hasFloat16Int8 && f16.ShaderFloat16,
            Int8 = hasFloat16Int8 && f16.ShaderInt8,
            CooperativeMatrix = extensions.Contains("VK_KHR_cooperative_matrix") || extensions.Contains("VK_NV_cooperative_matrix"),
            Timestamps = family != uint.MaxValue && timestampBits > 0 && p.Limits.TimestampPeriod > 0,
            TimestampValidBits = timestampBits,
            TimestampPeriodNs = p.Limits.TimestampPeriod,
            MaxStorageBufferRange = p.Limits.MaxStorageBufferRange,
            MaxMemoryAllocationSize = MaxAllocation(vk, device),
            MinStorageBufferOffsetAlignment = p.Limits.MinStorageBufferOffsetAlignment,
            MinTexelBufferOffsetAlignment = p.Limits.MinTexelBufferOffsetAlignment,
            MaxTexelBufferElements = p.Limits.MaxTexelBufferElements,
            PortabilitySubset = extensions.Contains("VK_KHR_portability_subset"),
        };
    }

    private static ulong MaxAllocation(Vk vk, PhysicalDevice device)
    {
        var maintenance3 = new PhysicalDeviceMaintenance3Properties { SType = StructureType.PhysicalDeviceMaintenance3Properties };
        var props2 = new PhysicalDeviceProperties2 { SType = StructureType.PhysicalDeviceProperties2, PNext = &maintenance3 };
        vk.GetPhysicalDeviceProperties2(device, &props2);
        return maintenance3.MaxMemoryAllocationSize == 0 ? 1UL << 30 : maintenance3.MaxMemoryAllocationSize;
    }
}
