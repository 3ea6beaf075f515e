namespace ClustSeg.Runtime.Tensors;

/// <summary>Element type of a tensor.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float.</summary>
    F32,
    /// <summary>32-bit signed integer (labels, indices).</summary>
    I32,
    /// <summary>32-bit unsigned integer.</summary>
    U32,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int SizeInBytes(this DType dtype) => dtype switch
    {
        DType.F32 or DType.I32 or DType.U32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>The dtype that stores elements of CLR type <typeparamref name="T"/>.</summary>
    public static DType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.F32
        : typeof(T) == typeof(int) ? DType.I32
        : typeof(T) == typeof(uint) ? DType.U32
        : throw new NotSupportedException($"No tensor dtype stores {typeof(T).Name}; use float, int or uint.");
}
