using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Memory;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace ClustSeg.Runtime.Vulkan;

/// <summary>
/// An open Vulkan device with one compute queue: the entry point of the runtime. It owns the two memory arenas,
/// the kernel cache and the transfer path, and hands out <see cref="CommandRecorder"/>s for steps.
/// </summary>
public sealed unsafe partial class GpuDevice : IDisposable
{
    private readonly GpuInstance _instance;
    private readonly bool _ownsInstance;
    private readonly KernelFactory _kernels;
    private readonly ulong _memoryLimit;
    private readonly uint _memoryTypeIndex;
    private readonly bool _hostVisible;
    private readonly CommandPool _commandPool;
    private ulong _reserved;
    private int _nextBlockId;
    private bool _disposed;

    internal Vk Vk => _instance.Vk;
    internal Device Handle { get; }
    internal Queue Queue { get; }
    internal uint QueueFamily { get; }
    internal GpuDeviceOptions Options { get; }

    /// <summary>Capabilities of the chosen device.</summary>
    public DeviceInfo Info { get; }

    /// <summary>Arena for weights, optimizer state and other tensors that live across steps.</summary>
    public MemoryArena Persistent { get; }

    /// <summary>Arena for activations and gradients of one step; reset after the step.</summary>
    public MemoryArena Scratch { get; }

    /// <summary>im2col columns of forward convolutions that their weight gradients may reuse (CPU devices).</summary>
    internal Ops.ConvColumnsCache ConvColumns { get; } = new();

    /// <summary>Whether validation is active.</summary>
    public bool ValidationEnabled => _instance.ValidationEnabled;

    /// <summary>Whether the validation layer also checks synchronization (see <see cref="GpuDeviceOptions.SynchronizationValidation"/>).</summary>
    public bool SynchronizationValidationEnabled => _instance.SynchronizationValidationEnabled;

    /// <summary>How the on-disk pipeline cache was found at start.</summary>
    public PipelineCacheLoad PipelineCacheLoad => _kernels.CacheLoad;

    /// <summary>Location of the on-disk pipeline cache (null when disabled).</summary>
    public string? PipelineCachePath => _kernels.CachePath;

    /// <summary>Opens the device chosen by <paramref name="options"/> (see <see cref="DeviceSelector"/>).</summary>
    public static GpuDevice Create(GpuDeviceOptions? options = null)
    {
        options ??= new GpuDeviceOptions();
        var instance = new GpuInstance(options.Validate, options.OnValidationMessage, options.SynchronizationValidation);
        try
        {
            var devices = instance.EnumerateDevices();
            var chosen = DeviceSelector.ChooseWithEnvironment(devices, options.Device);
            return new GpuDevice(instance, ownsInstance: true, chosen, options);
        }
        catch
        {
            instance.Dispose();
            throw;
        }
    }

    private GpuDevice(GpuInstance instance, bool ownsInstance, DeviceInfo info, GpuDeviceOptions options)
    {
        _instance = instance;
        _ownsInstance = ownsInstance;
        Info = info;
        Options = options;
        var physical = instance.PhysicalDevices()[info.Index];
        var (family, _) = DeviceQuery.ComputeQueue(Vk, physical);
        if (family == uint.MaxValue)
            throw new NoDeviceException($"Device '{info.Name}' has no compute queue.", "Choose another device with --device.");
        QueueFamily = family;

        Handle = CreateLogicalDevice(physical, family, info);
        Vk.GetDeviceQueue(Handle, family, 0, out var queue);
        Queue = queue;

        (_memoryTypeIndex, _hostVisible) = ChooseMemoryType(physical);
        _memoryLimit = options.MemoryLimitBytes ?? Math.Max(info.DeviceLocalBytes, 1UL << 28);

        var poolCreate = new CommandPoolCreateInfo
        {
            SType = StructureType.CommandPoolCreateInfo,
            QueueFamilyIndex = family,
            Flags = CommandPoolCreateFlags.ResetCommandBufferBit,
        };
        CommandPool pool;
        VkCheck.Ok(Vk.CreateCommandPool(Handle, &poolCreate, null, &pool), "vkCreateCommandPool");
        _commandPool = pool;

        _kernels = new KernelFactory(Vk, Handle, info, options.PipelineCacheDirectory);
        Persistent = new MemoryArena(this, "persistent", options.BlockSizeBytes);
        Scratch = new MemoryArena(this, "step", options.BlockSizeBytes);
    }

    /// <summary>The compute pipeline for <paramref name="spec"/>, created on first use and cached.</summary>
    public Kernel GetKernel(KernelSpec spec) => _kernels.Get(spec);

    /// <summary>Number of distinct kernels created so far.</summary>
    public int KernelCount => _kernels.Count;

    /// <summary>Starts recording a step's dispatches into one command buffer.</summary>
    /// <param name="profile">Write timestamp queries around each dispatch (see <see cref="CommandRecorder.Timings"/>).</param>
    public CommandRecorder BeginRecording(bool profile = false) => new(this, profile);

    /// <summary>Writes the pipeline cache to disk now (it is also written on dispose).</summary>
    public bool SavePipelineCache() => _kernels.SaveCache();

    private Device CreateLogicalDevice(PhysicalDevice physical, uint family, DeviceInfo info)
    {
        var priority = 1f;
        var queueCreate = new DeviceQueueCreateInfo
        {
            SType = StructureType.DeviceQueueCreateInfo,
            QueueFamilyIndex = family,
            QueueCount = 1,
            PQueuePriorities = &priority,
        };
        var extensions = new List<string>();
        // The spec requires enabling the portability subset wherever a device lists it (MoltenVK).
        if (info.PortabilitySubset) extensions.Add("VK_KHR_portability_subset");
        var names = (byte**)SilkMarshal.StringArrayToPtr(extensions);
        try
        {
            var create = new DeviceCreateInfo
            {
                SType = StructureType.DeviceCreateInfo,
                QueueCreateInfoCount = 1,
                PQueueCreateInfos = &queueCreate,
                EnabledExtensionCount = (uint)extensions.Count,
                PpEnabledExtensionNames = names,
            };
            Device device;
            VkCheck.Ok(Vk.CreateDevice(physical, &create, null, &device), "vkCreateDevice");
            return device;
        }
        finally
        {
            SilkMarshal.FreeString((nint)names);
        }
    }

    private (uint Index, bool HostVisible) ChooseMemoryType(PhysicalDevice physical)
    {
        Vk.GetPhysicalDeviceMemoryProperties(physical, out var memory);
        // A probe buffer tells which memory types storage buffers may use on this device.
        var probe = CreateBuffer(256);
        Vk.GetBufferMemoryRequirements(Handle, probe, out var requirements);
        Vk.DestroyBuffer(Handle, probe, null);

        const MemoryPropertyFlags hostFlags = MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit;
        int deviceLocal = -1, unified = -1, any = -1;
        for (var i = 0; i < memory.MemoryTypeCount; i++)
        {
            if ((requirements.MemoryTypeBits & (1u << i)) == 0) continue;
            var flags = memory.MemoryTypes[i].PropertyFlags;
            if (any < 0) any = i;
            if (flags.HasFlag(MemoryPropertyFlags.DeviceLocalBit))
            {
                if (deviceLocal < 0) deviceLocal = i;
                // Only where device-local memory is fully host-visible (CPU drivers, unified memory) is direct mapping
                // worth it; a small resizable-BAR heap would run out, so require the type's heap to be the largest.
                if (unified < 0 && (flags & hostFlags) == hostFlags && IsLargestDeviceHeap(memory, memory.MemoryTypes[i].HeapIndex)) unified = i;
            }
        }
        var chosen = unified >= 0 ? unified : deviceLocal >= 0 ? deviceLocal : any;
        if (chosen < 0) throw new NoDeviceException($"Device '{Info.Name}' offers no memory type for storage buffers.", "Choose another device with --device.");
        var chosenFlags = memory.MemoryTypes[chosen].PropertyFlags;
        return ((uint)chosen, (chosenFlags & hostFlags) == hostFlags && !Options.ForceStagingTransfers);
    }

    private static bool IsLargestDeviceHeap(PhysicalDeviceMemoryProperties memory, uint heap)
    {
        for (var i = 0; i < memory.MemoryHeapCount; i++)
            if (memory.MemoryHeaps[i].Flags.HasFlag(MemoryHeapFlags.DeviceLocalBit) && memory.MemoryHeaps[i].Size > memory.MemoryHeaps[(int)heap].Size)
                return false;
        return true;
    }

    internal Buffer CreateBuffer(ulong size)
    {
        var create = new BufferCreateInfo
        {
            SType = StructureType.BufferCreateInfo,
            Size = size,
            Usage = BufferUsageFlags.StorageBufferBit | BufferUsageFlags.UniformTexelBufferBit | BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit,
            SharingMode = SharingMode.Exclusive,
        };
        Buffer buffer;
        VkCheck.Ok(Vk.CreateBuffer(Handle, &create, null, &buffer), "vkCreateBuffer");
        return buffer;
    }

    internal DeviceBlock AllocateBlock(ulong size, string tensorName, ulong tensorBytes, MemoryArena arena)
    {
        if (_reserved + size > _memoryLimit)
            throw OutOfMemory(tensorName, tensorBytes, arena, $"the memory limit of {MemoryArena.Format(_memoryLimit)} would be exceeded");
        var buffer = CreateBuffer(size);
        Vk.GetBufferMemoryRequirements(Handle, buffer, out var requirements);
        var allocate = new MemoryAllocateInfo
        {
            SType = StructureType.MemoryAllocateInfo,
            AllocationSize = requirements.Size,
            MemoryTypeIndex = _memoryTypeIndex,
        };
        DeviceMemory memory;
        var result = Vk.AllocateMemory(Handle, &allocate, null, &memory);
        if (result is Result.ErrorOutOfDeviceMemory or Result.ErrorOutOfHostMemory)
        {
            Vk.DestroyBuffer(Handle, buffer, null);
            throw OutOfMemory(tensorName, tensorBytes, arena, $"the driver refused a {MemoryArena.Format(size)} block ({result})");
        }
        VkCheck.Ok(result, "vkAllocateMemory");
        VkCheck.Ok(Vk.BindBufferMemory(Handle, buffer, memory, 0), "vkBindBufferMemory");
        void* mapped = null;
        if (_hostVisible) VkCheck.Ok(Vk.MapMemory(Handle, memory, 0, Vk.WholeSize, 0, &mapped), "vkMapMemory");
        _reserved += size;
        return new DeviceBlock(buffer, memory, size, mapped, _nextBlockId++);
    }

    private OutOfDeviceMemoryException OutOfMemory(string tensorName, ulong bytes, MemoryArena arena, string why) =>
        new(tensorName, bytes,
            $"Out of device memory allocating tensor '{tensorName}' ({MemoryArena.Format(bytes)}) in the {arena.Name} arena: {why}. " +
            $"ClustSeg holds {MemoryArena.Format(_reserved)} on {Info.Name}, whose device-local memory is {MemoryArena.Format(Info.DeviceLocalBytes)}.",
            "Reduce the batch size or the image size, use a smaller model variant, or choose a device with more memory (--device).");

    internal void FreeBlock(DeviceBlock block)
    {
        if (block.Mapped != null) Vk.UnmapMemory(Handle, block.Memory);
        Vk.DestroyBuffer(Handle, block.Buffer, null);
        Vk.FreeMemory(Handle, block.Memory, null);
        _reserved -= block.Size;
    }

    /// <summary>Bytes of device memory held by both arenas.</summary>
    public ulong ReservedBytes => _reserved;

    /// <summary>Waits for the queue to go idle, then releases everything.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Vk.DeviceWaitIdle(Handle);
        DisposeStaging();
        Scratch.Dispose();
        Persistent.Dispose();
        _kernels.Dispose();
        Vk.DestroyCommandPool(Handle, _commandPool, null);
        Vk.DestroyDevice(Handle, null);
        if (_ownsInstance) _instance.Dispose();
    }
}
