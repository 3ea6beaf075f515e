namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>
/// A numeric (or logical) MATLAB array. <see cref="Real"/> is typed by class: double[], float[], sbyte[], byte[],
/// short[], ushort[], int[], uint[], long[] or ulong[], in column-major order.
/// </summary>
public sealed class MatNumericArray : MatArray
{
    internal MatNumericArray(string name, int[] dimensions, MatClass arrayClass, bool isLogical, Array real, Array? imaginary)
        : base(name, dimensions, arrayClass)
    {
        IsLogical = isLogical;
        Real = real;
        Imaginary = imaginary;
    }

    /// <summary>True for MATLAB logical arrays (stored as uint8).</summary>
    public bool IsLogical { get; }

    /// <summary>True when the array has an imaginary part.</summary>
    public bool IsComplex => Imaginary is not null;

    /// <summary>The real part, column-major, element type per <see cref="MatArray.Class"/>.</summary>
    public Array Real { get; }

    /// <summary>The imaginary part of a complex array (same layout as <see cref="Real"/>), or null.</summary>
    public Array? Imaginary { get; }

    /// <summary>Element <paramref name="columnMajorIndex"/> of the real part as a double.</summary>
    // Dispatch on the class, not with array type patterns: the runtime treats uint[] as int[] (and byte[] as
    // sbyte[], ulong[] as long[]), so a pattern would read unsigned values as signed.
    public double GetDouble(int columnMajorIndex) => Class switch
    {
        MatClass.Double => ((double[])Real)[columnMajorIndex],
        MatClass.Single => ((float[])Real)[columnMajorIndex],
        MatClass.Int8 => ((sbyte[])Real)[columnMajorIndex],
        MatClass.UInt8 => ((byte[])Real)[columnMajorIndex],
        MatClass.Int16 => ((short[])Real)[columnMajorIndex],
        MatClass.UInt16 => ((ushort[])Real)[columnMajorIndex],
        MatClass.Int32 => ((int[])Real)[columnMajorIndex],
        MatClass.UInt32 => ((uint[])Real)[columnMajorIndex],
        MatClass.Int64 => ((long[])Real)[columnMajorIndex],
        MatClass.UInt64 => ((ulong[])Real)[columnMajorIndex],
        _ => throw new InvalidOperationException($"{Class} is not a numeric class."),
    };

    /// <summary>The real part as doubles in row-major order (last dimension fastest).</summary>
    public double[] ToDoubleRowMajor()
    {
        var result = new double[ElementCount];
        var map = RowMajorIndexOfColumnMajor();
        for (var i = 0; i < result.Length; i++) result[map[i]] = GetDouble(i);
        return result;
    }

    /// <summary>
    /// The real part as ints in row-major order (last dimension fastest); throws <see cref="InvalidDataException"/>
    /// naming the first value that is not a whole number in int range.
    /// </summary>
    public int[] ToInt32RowMajor()
    {
        var result = new int[ElementCount];
        var map = RowMajorIndexOfColumnMajor();
        for (var i = 0; i < result.Length; i++)
        {
            var value = GetDouble(i);
            if (value != Math.Floor(value) || value < int.MinValue || value > int.MaxValue)
                throw new InvalidDataException(
                    $"Array '{Name}' ({Describe()}) holds {value} at column-major index {i}, which is not a 32-bit integer.");
            result[map[i]] = (int)value;
        }
        return result;
    }

    /// <summary>For each column-major position, its position in row-major order of the same dimensions.</summary>
    private int[] RowMajorIndexOfColumnMajor()
    {
        var dims = Dimensions;
        var rank = dims.Count;
        var rowMajorStride = new int[rank];
        var stride = 1;
        for (var d = rank - 1; d >= 0; d--)
        {
            rowMajorStride[d] = stride;
            stride *= dims[d];
        }
        var map = new int[ElementCount];
        var coordinate = new int[rank];
        var target = 0;
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = target;
            // Advance the column-major odometer: the first dimension turns fastest.
            for (var d = 0; d < rank; d++)
            {
                coordinate[d]++;
                target += rowMajorStride[d];
                if (coordinate[d] < dims[d]) break;
                target -= coordinate[d] * rowMajorStride[d];
                coordinate[d] = 0;
            }
        }
        return map;
    }
}
