using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace ClustSeg.Runtime.Memory;

/// <summary>
/// One large device allocation bound to one storage buffer; tensors are byte ranges of it. Keeping few large blocks
/// avoids per-tensor allocations (drivers cap their count) and lets one descriptor write name any tensor.
/// </summary>
internal sealed unsafe class DeviceBlock
{
    private readonly List<(ulong Offset, ulong Size)> _free = [];

    public DeviceBlock(Buffer buffer, DeviceMemory memory, ulong size, void* mapped, int id)
    {
        Buffer = buffer;
        Memory = memory;
        Size = size;
        Mapped = mapped;
        Id = id;
        _free.Add((0, size));
    }

    public Buffer Buffer { get; }
    public DeviceMemory Memory { get; }
    public ulong Size { get; }
    /// <summary>Host pointer when the memory is host-visible and coherent, else null (uploads go through staging).</summary>
    public void* Mapped { get; }
    public int Id { get; }

    /// <summary>First-fit placement of <paramref name="size"/> bytes at <paramref name="alignment"/>; null if no hole fits.</summary>
    public ulong? TryPlace(ulong size, ulong alignment)
    {
        for (var i = 0; i < _free.Count; i++)
        {
            var (offset, holeSize) = _free[i];
            var aligned = AlignUp(offset, alignment);
            var padding = aligned - offset;
            if (holeSize < padding + size) continue;
            _free.RemoveAt(i);
            // Keep the padding in front and the tail behind as holes, in address order.
            var tail = holeSize - padding - size;
            if (tail > 0) _free.Insert(i, (aligned + size, tail));
            if (padding > 0) _free.Insert(i, (offset, padding));
            return aligned;
        }
        return null;
    }

    /// <summary>Returns a range to the free list, merging with neighbouring holes.</summary>
    public void Free(ulong offset, ulong size)
    {
        var i = 0;
        while (i < _free.Count && _free[i].Offset < offset) i++;
        _free.Insert(i, (offset, size));
        if (i + 1 < _free.Count && _free[i].Offset + _free[i].Size == _free[i + 1].Offset)
        {
            _free[i] = (_free[i].Offset, _free[i].Size + _free[i + 1].Size);
            _free.RemoveAt(i + 1);
        }
        if (i > 0 && _free[i - 1].Offset + _free[i - 1].Size == _free[i].Offset)
        {
            _free[i - 1] = (_free[i - 1].Offset, _free[i - 1].Size + _free[i].Size);
            _free.RemoveAt(i);
        }
    }

    /// <summary>Marks the whole block free.</summary>
    public void Clear()
    {
        _free.Clear();
        _free.Add((0, Size));
    }

    public static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) / alignment * alignment;
}
