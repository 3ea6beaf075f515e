using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Memory;

/// <summary>
/// Suballocates tensors from a few large device blocks. The device has two: a persistent arena (weights, optimizer
/// state) whose tensors are released one by one, and a per-step arena (activations, gradients) that is
/// <see cref="Reset"/> after each step, keeping its blocks so later steps allocate nothing from the driver.
/// </summary>
public sealed class MemoryArena : IDisposable
{
    private readonly GpuDevice _device;
    private readonly List<DeviceBlock> _blocks = [];
    private readonly ulong _blockSize;
    private ulong _inUse;

    internal MemoryArena(GpuDevice device, string name, ulong blockSize)
    {
        _device = device;
        Name = name;
        _blockSize = blockSize;
    }

    /// <summary>Arena name used in messages ("persistent", "step").</summary>
    public string Name { get; }

    /// <summary>Bytes currently handed out to live tensors (aligned sizes).</summary>
    public ulong BytesInUse => _inUse;

    /// <summary>Highest <see cref="BytesInUse"/> seen since creation.</summary>
    public ulong PeakBytesInUse { get; private set; }

    /// <summary>Bytes of device memory held in blocks.</summary>
    public ulong BytesReserved => _blocks.Aggregate(0UL, (a, b) => a + b.Size);

    /// <summary>Incremented by <see cref="Reset"/>; tensors from an older generation are dead.</summary>
    public long Generation { get; private set; }

    /// <summary>Whether the arena was disposed.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Allocates an uninitialised tensor.</summary>
    /// <exception cref="OutOfDeviceMemoryException">It does not fit in a binding, a block, or the device's memory.</exception>
    public Tensor Allocate(string name, DType dtype, params int[] shape)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var count = Tensor.CountElements(shape);
        var bytes = (ulong)count * (ulong)dtype.SizeInBytes();
        var info = _device.Info;
        if (bytes > info.MaxStorageBufferRange)
            throw new OutOfDeviceMemoryException(name, bytes,
                $"Tensor '{name}' [{string.Join("x", shape)}] needs {Format(bytes)}, more than one storage buffer binding can " +
                $"address on {info.Name} (maxStorageBufferRange = {Format(info.MaxStorageBufferRange)}).",
                "Reduce the batch size or image size, or use a device with a larger limit.");

        var alignment = Alignment;
        var size = AlignedSize(bytes);
        if (size > info.MaxMemoryAllocationSize)
            throw new OutOfDeviceMemoryException(name, bytes,
                $"Tensor '{name}' [{string.Join("x", shape)}] needs {Format(bytes)}, more than one allocation can hold on {info.Name} " +
                $"(maxMemoryAllocationSize = {Format(info.MaxMemoryAllocationSize)}).",
                "Reduce the batch size or image size, or use a device with a larger limit.");
        foreach (var block in _blocks)
        {
            if (block.TryPlace(size, alignment) is { } offset)
                return Track(new Tensor(name, dtype, shape, this, block, offset, bytes, Generation), size);
        }

        var blockSize = Math.Min(Math.Max(_blockSize, size), info.MaxMemoryAllocationSize);
        var created = _device.AllocateBlock(blockSize, name, bytes, this);
        _blocks.Add(created);
        var placed = created.TryPlace(size, alignment)
                     ?? throw new InvalidOperationException("A fresh block could not hold the allocation it was sized for.");
        return Track(new Tensor(name, dtype, shape, this, created, placed, bytes, Generation), size);
    }

    /// <summary>
    /// Returns a tensor's memory to the arena. The tensor and every reshaped view of it are dead afterwards; releasing
    /// again (through the tensor or a view) does nothing.
    /// </summary>
    public void Release(Tensor tensor)
    {
        if (!ReferenceEquals(tensor.Arena, this))
            throw new ArgumentException($"Tensor '{tensor.Name}' belongs to arena '{tensor.Arena.Name}', not '{Name}'.");
        if (!tensor.IsAlive || !tensor.MarkReleased()) return;
        var size = AlignedSize(tensor.ByteSize);
        tensor.Block.Free(tensor.Offset, size);
        _inUse -= size;
    }

    /// <summary>Frees every tensor at once and keeps the blocks for reuse.</summary>
    public void Reset()
    {
        foreach (var block in _blocks) block.Clear();
        _inUse = 0;
        Generation++;
    }

    /// <summary>Returns the blocks to the driver.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        foreach (var block in _blocks) _device.FreeBlock(block);
        _blocks.Clear();
    }

    /// <summary>The byte alignment a view's offset needs to be bound as a storage or texel buffer on this device.</summary>
    internal ulong BindingAlignment => Math.Max(_device.Info.MinStorageBufferOffsetAlignment, _device.Info.MinTexelBufferOffsetAlignment);

    private ulong Alignment => Math.Max(Math.Max(_device.Info.MinStorageBufferOffsetAlignment, _device.Info.MinTexelBufferOffsetAlignment), 64UL);

    // Sizes are rounded too, so neighbouring tensors never share a cache line or an alignment unit.
    private ulong AlignedSize(ulong bytes) => DeviceBlock.AlignUp(Math.Max(bytes, 4), Alignment);

    internal static string Format(ulong bytes) =>
        bytes >= 1UL << 30 ? $"{bytes / (double)(1UL << 30):0.00} GiB"
        : bytes >= 1UL << 20 ? $"{bytes / (double)(1UL << 20):0.0} MiB"
        : $"{bytes} bytes";

    private Tensor Track(Tensor tensor, ulong size)
    {
        _inUse += size;
        PeakBytesInUse = Math.Max(PeakBytesInUse, _inUse);
        return tensor;
    }
}
