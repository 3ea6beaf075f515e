using System.Runtime.InteropServices;
using ClustSeg.Runtime.Tensors;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace ClustSeg.Runtime.Vulkan;

public sealed unsafe partial class GpuDevice
{
    private Buffer _staging;
    private DeviceMemory _stagingMemory;
    private void* _stagingMapped;
    private ulong _stagingSize;

    /// <summary>Copies host data into <paramref name="tensor"/> and waits until it is there.</summary>
    /// <exception cref="ArgumentException">The element type or count does not match the tensor.</exception>
    public void Upload<T>(Tensor tensor, ReadOnlySpan<T> data) where T : unmanaged
    {
        CheckTransfer<T>(tensor, data.Length, "upload");
        UploadBytes(tensor, 0, MemoryMarshal.AsBytes(data));
    }

    /// <summary>
    /// Copies host data into the elements [<paramref name="firstElement"/>, firstElement + data.Length) of
    /// <paramref name="tensor"/> and waits until it is there; the other elements keep their values.
    /// </summary>
    /// <exception cref="ArgumentException">The element type does not match, or the range does not lie inside the tensor.</exception>
    public void Upload<T>(Tensor tensor, long firstElement, ReadOnlySpan<T> data) where T : unmanaged
    {
        CheckElementType<T>(tensor, "upload");
        if (firstElement < 0 || firstElement + data.Length > tensor.ElementCount)
            throw new ArgumentException($"Cannot upload {data.Length} elements from element {firstElement} of tensor {tensor}: it holds {tensor.ElementCount}.");
        UploadBytes(tensor, (ulong)firstElement * (ulong)tensor.DType.SizeInBytes(), MemoryMarshal.AsBytes(data));
    }

    private void UploadBytes(Tensor tensor, ulong byteOffset, ReadOnlySpan<byte> bytes)
    {
        var start = tensor.Offset + byteOffset;
        ConvColumns.Written(tensor.Block.Id, start, start + (ulong)bytes.Length);
        if (tensor.Block.Mapped != null)
        {
            bytes.CopyTo(new Span<byte>((byte*)tensor.Block.Mapped + start, bytes.Length));
            return;
        }
        for (var done = 0; done < bytes.Length;)
        {
            var chunk = (int)Math.Min((ulong)(bytes.Length - done), EnsureStaging((ulong)bytes.Length));
            bytes.Slice(done, chunk).CopyTo(new Span<byte>(_stagingMapped, chunk));
            CopyNow(_staging, 0, tensor.Block.Buffer, start + (ulong)done, (ulong)chunk);
            done += chunk;
        }
    }

    /// <summary>Copies <paramref name="tensor"/> to a new host array (waits for the copy).</summary>
    public T[] Download<T>(Tensor tensor) where T : unmanaged
    {
        var result = new T[tensor.ElementCount];
        Download<T>(tensor, result);
        return result;
    }

    /// <summary>Copies <paramref name="tensor"/> into <paramref name="destination"/> (waits for the copy).</summary>
    public void Download<T>(Tensor tensor, Span<T> destination) where T : unmanaged
    {
        CheckTransfer<T>(tensor, destination.Length, "download");
        var bytes = MemoryMarshal.AsBytes(destination);
        if (tensor.Block.Mapped != null)
        {
            new ReadOnlySpan<byte>((byte*)tensor.Block.Mapped + tensor.Offset, bytes.Length).CopyTo(bytes);
            return;
        }
        for (var done = 0; done < bytes.Length;)
        {
            var chunk = (int)Math.Min((ulong)(bytes.Length - done), EnsureStaging((ulong)bytes.Length));
            CopyNow(tensor.Block.Buffer, tensor.Offset + (ulong)done, _staging, 0, (ulong)chunk);
            new ReadOnlySpan<byte>(_stagingMapped, chunk).CopyTo(bytes.Slice(done, chunk));
            done += chunk;
        }
    }

    private static void CheckTransfer<T>(Tensor tensor, int length, string what) where T : unmanaged
    {
        CheckElementType<T>(tensor, what);
        if (length != tensor.ElementCount)
            throw new ArgumentException($"Cannot {what} {length} elements for tensor {tensor}: it holds {tensor.ElementCount}.");
    }

    private static void CheckElementType<T>(Tensor tensor, string what) where T : unmanaged
    {
        tensor.EnsureAlive();
        if (DTypeExtensions.Of<T>() != tensor.DType)
            throw new ArgumentException($"Cannot {what} {typeof(T).Name} data for tensor {tensor}: its dtype is {tensor.DType}.");
    }

    /// <summary>Makes the staging buffer at least min(needed, 64 MiB) bytes; returns its size.</summary>
    private ulong EnsureStaging(ulong needed)
    {
        var want = Math.Min(needed, 64UL << 20);
        if (_stagingSize >= want) return _stagingSize;
        DisposeStaging();
        var create = new BufferCreateInfo
        {
            SType = StructureType.BufferCreateInfo,
            Size = want,
            Usage = BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit,
            SharingMode = SharingMode.Exclusive,
        };
        Buffer buffer;
        VkCheck.Ok(Vk.CreateBuffer(Handle, &create, null, &buffer), "vkCreateBuffer (staging)");
        Vk.GetBufferMemoryRequirements(Handle, buffer, out var requirements);
        Vk.GetPhysicalDeviceMemoryProperties(_instance.PhysicalDevices()[Info.Index], out var memory);
        const MemoryPropertyFlags wanted = MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit;
        var type = -1;
        for (var i = 0; i < memory.MemoryTypeCount && type < 0; i++)
            if ((requirements.MemoryTypeBits & (1u << i)) != 0 && (memory.MemoryTypes[i].PropertyFlags & wanted) == wanted)
                type = i;
        if (type < 0) throw new Errors.NoDeviceException($"Device '{Info.Name}' has no host-visible memory for transfers.", "Choose another device with --device.");
        var allocate = new MemoryAllocateInfo { SType = StructureType.MemoryAllocateInfo, AllocationSize = requirements.Size, MemoryTypeIndex = (uint)type };
        DeviceMemory stagingMemory;
        VkCheck.Ok(Vk.AllocateMemory(Handle, &allocate, null, &stagingMemory), "vkAllocateMemory (staging)");
        VkCheck.Ok(Vk.BindBufferMemory(Handle, buffer, stagingMemory, 0), "vkBindBufferMemory (staging)");
        void* mapped;
        VkCheck.Ok(Vk.MapMemory(Handle, stagingMemory, 0, Vk.WholeSize, 0, &mapped), "vkMapMemory (staging)");
        _staging = buffer;
        _stagingMemory = stagingMemory;
        _stagingMapped = mapped;
        _stagingSize = want;
        return want;
    }

    private void DisposeStaging()
    {
        if (_stagingSize == 0) return;
        Vk.UnmapMemory(Handle, _stagingMemory);
        Vk.DestroyBuffer(Handle, _staging, null);
        Vk.FreeMemory(Handle, _stagingMemory, null);
        _stagingSize = 0;
    }

    private void CopyNow(Buffer source, ulong sourceOffset, Buffer destination, ulong destinationOffset, ulong size)
    {
        var commands = AllocateCommandBuffer();
        var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
        VkCheck.Ok(Vk.BeginCommandBuffer(commands, &begin), "vkBeginCommandBuffer");
        var region = new BufferCopy(sourceOffset, destinationOffset, size);
        Vk.CmdCopyBuffer(commands, source, destination, 1, &region);
        VkCheck.Ok(Vk.EndCommandBuffer(commands), "vkEndCommandBuffer");
        SubmitAndWait([commands], "a transfer");
        FreeCommandBuffers([commands]);
    }

    internal CommandBuffer AllocateCommandBuffer()
    {
        var allocate = new CommandBufferAllocateInfo
        {
            SType = StructureType.CommandBufferAllocateInfo,
            CommandPool = _commandPool,
            Level = CommandBufferLevel.Primary,
            CommandBufferCount = 1,
        };
        CommandBuffer buffer;
        VkCheck.Ok(Vk.AllocateCommandBuffers(Handle, &allocate, &buffer), "vkAllocateCommandBuffers");
        return buffer;
    }

    internal void FreeCommandBuffers(CommandBuffer[] buffers)
    {
        fixed (CommandBuffer* p = buffers) Vk.FreeCommandBuffers(Handle, _commandPool, (uint)buffers.Length, p);
    }

    /// <summary>
    /// Submits command buffers in order, one submit each (so no single submission outlives a desktop watchdog),
    /// and waits for the last. Queue submission order plus the barriers recorded inside keep them ordered.
    /// </summary>
    internal void SubmitAndWait(IReadOnlyList<CommandBuffer> buffers, string what)
    {
        var fenceCreate = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
        Fence fence;
        VkCheck.Ok(Vk.CreateFence(Handle, &fenceCreate, null, &fence), "vkCreateFence");
        try
        {
            for (var i = 0; i < buffers.Count; i++)
            {
                var buffer = buffers[i];
                var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &buffer };
                VkCheck.Ok(Vk.QueueSubmit(Queue, 1, &submit, i == buffers.Count - 1 ? fence : default), "vkQueueSubmit for " + what);
            }
            VkCheck.Ok(Vk.WaitForFences(Handle, 1, &fence, true, ulong.MaxValue), "vkWaitForFences for " + what);
        }
        finally
        {
            Vk.DestroyFence(Handle, fence, null);
        }
    }
}
