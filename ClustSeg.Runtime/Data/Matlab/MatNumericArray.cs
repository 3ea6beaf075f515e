using System.Numerics;

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
        var columnMajor = new double[ElementCount];
        for (var i = 0; i < columnMajor.Length; i++) columnMajor[i] = GetDouble(i);
        return ToRowMajor(columnMajor);
    }

    /// <summary>
    /// The real part as ints in row-major order (last dimension fastest); throws <see cref="InvalidDataException"/>
    /// naming the first value that is not a whole number in int range.
    /// </summary>
    public int[] ToInt32RowMajor() => ToRowMajor(Int32ColumnMajor());

    private int[] Int32ColumnMajor()
    {
        var result = new int[ElementCount];
        switch (Class)
        {
            // Classes that always fit in an int are widened without checks; this is the BSDS500 path (uint16).
            case MatClass.UInt8: Widen((byte[])Real, result); break;
            case MatClass.Int8: Widen((sbyte[])Real, result); break;
            case MatClass.UInt16: Widen((ushort[])Real, result); break;
            case MatClass.Int16: Widen((short[])Real, result); break;
            case MatClass.Int32: Array.Copy((int[])Real, result, result.Length); break;
            default:
                for (var i = 0; i < result.Length; i++)
                {
                    var value = GetDouble(i);
                    if (value != Math.Floor(value) || value < int.MinValue || value > int.MaxValue)
                        throw new InvalidDataException(
                            $"Array '{Name}' ({Describe()}) holds {value} at column-major index {i}, which is not a 32-bit integer.");
                    result[i] = (int)value;
                }
                break;
        }
        return result;
    }

    private static void Widen<T>(T[] source, int[] destination) where T : IBinaryInteger<T>
    {
        for (var i = 0; i < source.Length; i++) destination[i] = int.CreateTruncating(source[i]);
    }

    /// <summary>Reorders column-major values (first dimension fastest) to row-major (last dimension fastest).</summary>
    private T[] ToRowMajor<T>(T[] columnMajor)
    {
        var dims = Dimensions;
        var result = new T[columnMajor.Length];
        if (dims.Count == 2)
        {
            int rows = dims[0], columns = dims[1];
            for (var c = 0; c < columns; c++)
                for (var r = 0; r < rows; r++)
                    result[r * columns + c] = columnMajor[c * rows + r];
            return result;
        }

        var rank = dims.Count;
        var rowMajorStride = new int[rank];
        var stride = 1;
        for (var d = rank - 1; d >= 0; d--)
        {
            rowMajorStride[d] = stride;
            stride *= dims[d];
        }
        var coordinate = new int[rank];
        var target = 0;
        for (var i = 0; i < columnMajor.Length; i++)
        {
            result[target] = columnMajor[i];
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
        return result;
    }
}
