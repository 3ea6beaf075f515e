using ClustSeg.Runtime.Memory;

namespace ClustSeg.Runtime.Tensors;

/// <summary>
/// A dense, row-major tensor living in device memory: a slice (block, byte offset, byte size) of one of a
/// <see cref="MemoryArena"/>'s buffers, with a shape and dtype. Reshapes are views of the same memory.
/// A tensor from the per-step arena is invalid once that arena is reset; using it then throws.
/// </summary>
public sealed class Tensor
{
    private readonly int[] _shape;
    private readonly long _generation;
    // Shared by a tensor and all its reshaped views, so releasing any of them retires the memory for all.
    private readonly ReleaseFlag _release;

    private sealed class ReleaseFlag
    {
        public bool Released;
    }

    internal Tensor(string name, DType dtype, int[] shape, MemoryArena arena, DeviceBlock block, ulong offset, ulong byteSize, long generation)
        : this(name, dtype, shape, arena, block, offset, byteSize, generation, new ReleaseFlag())
    {
    }

    private Tensor(string name, DType dtype, int[] shape, MemoryArena arena, DeviceBlock block, ulong offset, ulong byteSize, long generation,
        ReleaseFlag release)
    {
        _release = release;
        Name = name;
        DType = dtype;
        _shape = shape;
        Arena = arena;
        Block = block;
        Offset = offset;
        ByteSize = byteSize;
        _generation = generation;
        ElementCount = CountElements(shape);
    }

    /// <summary>Name used in error messages and profiles (a dotted parameter path for weights).</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements.</summary>
    public long ElementCount { get; }

    /// <summary>Size in bytes of the elements (not of the aligned allocation).</summary>
    public ulong ByteSize { get; }

    /// <summary>The arena that owns the memory.</summary>
    public MemoryArena Arena { get; }

    internal DeviceBlock Block { get; }
    internal ulong Offset { get; }

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int Dim(int axis) => _shape[axis < 0 ? _shape.Length + axis : axis];

    /// <summary>Whether the memory is still owned by this tensor (false after its arena was reset or it was released).</summary>
    public bool IsAlive => Arena.Generation == _generation && !Arena.IsDisposed && !_release.Released;

    /// <summary>Marks the memory as returned to its arena; false when it already was (a second release).</summary>
    internal bool MarkReleased()
    {
        if (_release.Released) return false;
        _release.Released = true;
        return true;
    }

    /// <summary>A view with another shape over the same elements.</summary>
    /// <exception cref="ArgumentException">The element counts differ.</exception>
    public Tensor Reshape(params int[] shape)
    {
        var resolved = ResolveShape(shape, ElementCount, Name);
        return new Tensor(Name, DType, resolved, Arena, Block, Offset, ByteSize, _generation, _release);
    }

    /// <summary>
    /// A view of <paramref name="shape"/> over this tensor's elements from <paramref name="elementOffset"/> on, or null
    /// when that offset is not aligned for binding on the device (views are bound at their own offset).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The view does not lie inside the tensor.</exception>
    internal Tensor? Window(long elementOffset, params int[] shape) => Window(Name, elementOffset, shape);

    /// <summary>As <see cref="Window(long, int[])"/>, with its own name (for profiles, errors and checkpoints).</summary>
    internal Tensor? Window(string name, long elementOffset, params int[] shape)
    {
        var count = CountElements(shape);
        if (elementOffset < 0 || elementOffset + count > ElementCount)
            throw new ArgumentOutOfRangeException(nameof(elementOffset), $"A view of {count} elements from element {elementOffset} does not fit '{Name}' [{ShapeText}].");
        var size = (ulong)DType.SizeInBytes();
        var offset = Offset + (ulong)elementOffset * size;
        return offset % Math.Max(Arena.BindingAlignment, 1) != 0 ? null
            : new Tensor(name, DType, shape, Arena, Block, offset, (ulong)count * size, _generation, _release);
    }

    /// <summary>Throws when the tensor's memory was reclaimed.</summary>
    internal void EnsureAlive()
    {
        if (!IsAlive)
            throw new ObjectDisposedException(Name,
                $"Tensor '{Name}' was released, or its arena '{Arena.Name}' was reset or disposed after the tensor was created; " +
                "allocate it again for this step.");
    }

    /// <summary>Shape as text, e.g. "2x3x64x64".</summary>
    public string ShapeText => string.Join("x", _shape);

    /// <inheritdoc />
    public override string ToString() => $"{Name}[{ShapeText}] {DType}";

    internal static long CountElements(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"Negative dimension in shape [{string.Join(", ", shape)}].");
            n *= d;
        }
        return n;
    }

    private static int[] ResolveShape(int[] shape, long count, string name)
    {
        var result = (int[])shape.Clone();
        var inferred = Array.IndexOf(result, -1);
        if (inferred >= 0)
        {
            long known = 1;
            for (var i = 0; i < result.Length; i++) if (i != inferred) known *= result[i];
            if (known == 0 || count % known != 0)
                throw new ArgumentException($"Cannot reshape '{name}' of {count} elements to [{string.Join(", ", shape)}].");
            result[inferred] = (int)(count / known);
        }
        if (CountElements(result) != count)
            throw new ArgumentException($"Cannot reshape '{name}' of {count} elements to [{string.Join(", ", shape)}].");
        return result;
    }
}
