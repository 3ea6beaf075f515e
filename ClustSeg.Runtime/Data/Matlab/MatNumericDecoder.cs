using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>
/// Turns the stored bytes of a numeric subelement into the array type of its MATLAB class. MATLAB often stores a
/// class in a smaller type (a uint16 array whose values fit in a byte is written as miUINT8), so storage type and
/// class are converted independently, with range checks. Loops are per type (no per-element dispatch): BSDS500
/// ground truth holds millions of values per file.
/// </summary>
internal static class MatNumericDecoder
{
    /// <summary>Decodes <paramref name="count"/> values; returns null and a reason when the data cannot form the class.</summary>
    public static Array? Decode(ReadOnlySpan<byte> bytes, MatDataType storage, MatClass target, bool bigEndian, int count,
        out string? problem)
    {
        problem = null;
        var size = MatDataTypes.NumericSize(storage);
        if (size == 0)
        {
            problem = $"holds {MatDataTypes.Describe((uint)storage)} data where numeric data was expected";
            return null;
        }
        if (bytes.Length != (long)count * size)
        {
            problem = $"holds {bytes.Length / size} values of {MatDataTypes.Describe((uint)storage)} but its dimensions need {count}";
            return null;
        }

        if (ClassStoredAs(target) == storage)
            return CopyExact(bytes, target, bigEndian, count);

        switch (storage)
        {
            case MatDataType.Single or MatDataType.Double:
                return FromDoubles(ReadFloating(bytes, storage, bigEndian, count), target, out problem);
            case MatDataType.UInt64:
                return FromUnsigned64(bytes, bigEndian, count, target, out problem);
            default:
                return FromIntegers(ReadIntegers(bytes, storage, bigEndian, count), target, out problem);
        }
    }

    /// <summary>The storage type that holds a class without conversion.</summary>
    private static MatDataType ClassStoredAs(MatClass type) => type switch
    {
        MatClass.Double => MatDataType.Double,
        MatClass.Single => MatDataType.Single,
        MatClass.Int8 => MatDataType.Int8,
        MatClass.UInt8 => MatDataType.UInt8,
        MatClass.Int16 => MatDataType.Int16,
        MatClass.UInt16 => MatDataType.UInt16,
        MatClass.Int32 => MatDataType.Int32,
        MatClass.UInt32 => MatDataType.UInt32,
        MatClass.Int64 => MatDataType.Int64,
        MatClass.UInt64 => MatDataType.UInt64,
        _ => 0,
    };

    /// <summary>Storage and class agree (the usual case): copy the bytes, swapping them for a foreign byte order.</summary>
    private static Array CopyExact(ReadOnlySpan<byte> bytes, MatClass target, bool bigEndian, int count)
    {
        Array result = target switch
        {
            MatClass.Double => new double[count],
            MatClass.Single => new float[count],
            MatClass.Int8 => new sbyte[count],
            MatClass.UInt8 => new byte[count],
            MatClass.Int16 => new short[count],
            MatClass.UInt16 => new ushort[count],
            MatClass.Int32 => new int[count],
            MatClass.UInt32 => new uint[count],
            MatClass.Int64 => new long[count],
            _ => new ulong[count],
        };
        bytes.CopyTo(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(result), bytes.Length));
        if (bigEndian != !BitConverter.IsLittleEndian)
        {
            switch (result)
            {
                case short[] or ushort[]:
                    var halves = MemoryMarshal.CreateSpan(ref Unsafe.As<byte, ushort>(ref MemoryMarshal.GetArrayDataReference(result)), count);
                    BinaryPrimitives.ReverseEndianness(halves, halves);
                    break;
                case int[] or uint[] or float[]:
                    var words = MemoryMarshal.CreateSpan(ref Unsafe.As<byte, uint>(ref MemoryMarshal.GetArrayDataReference(result)), count);
                    BinaryPrimitives.ReverseEndianness(words, words);
                    break;
                case long[] or ulong[] or double[]:
                    var doubles = MemoryMarshal.CreateSpan(ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetArrayDataReference(result)), count);
                    BinaryPrimitives.ReverseEndianness(doubles, doubles);
                    break;
            }
        }
        return result;
    }

    private static double[] ReadFloating(ReadOnlySpan<byte> bytes, MatDataType storage, bool bigEndian, int count)
    {
        var values = new double[count];
        if (storage == MatDataType.Single)
        {
            for (var i = 0; i < count; i++)
                values[i] = bigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
        }
        else
        {
            for (var i = 0; i < count; i++)
                values[i] = bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(bytes[(8 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
        }
        return values;
    }

    private static long[] ReadIntegers(ReadOnlySpan<byte> bytes, MatDataType storage, bool bigEndian, int count)
    {
        var values = new long[count];
        switch (storage)
        {
            case MatDataType.Int8:
                for (var i = 0; i < count; i++) values[i] = (sbyte)bytes[i];
                break;
            case MatDataType.UInt8:
                for (var i = 0; i < count; i++) values[i] = bytes[i];
                break;
            case MatDataType.Int16:
                for (var i = 0; i < count; i++)
                    values[i] = bigEndian ? BinaryPrimitives.ReadInt16BigEndian(bytes[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
                break;
            case MatDataType.UInt16:
                for (var i = 0; i < count; i++)
                    values[i] = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
                break;
            case MatDataType.Int32:
                for (var i = 0; i < count; i++)
                    values[i] = bigEndian ? BinaryPrimitives.ReadInt32BigEndian(bytes[(4 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                break;
            case MatDataType.UInt32:
                for (var i = 0; i < count; i++)
                    values[i] = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes[(4 * i)..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]);
                break;
            case MatDataType.Int64:
                for (var i = 0; i < count; i++)
                    values[i] = bigEndian ? BinaryPrimitives.ReadInt64BigEndian(bytes[(8 * i)..]) : BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                break;
            default:
                throw new InvalidOperationException($"{storage} is not an integer type of at most 64 signed bits.");
        }
        return values;
    }

    private static Array? FromUnsigned64(ReadOnlySpan<byte> bytes, bool bigEndian, int count, MatClass target, out string? problem)
    {
        var values = new ulong[count];
        for (var i = 0; i < count; i++)
            values[i] = bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(bytes[(8 * i)..]) : BinaryPrimitives.ReadUInt64LittleEndian(bytes[(8 * i)..]);
        problem = null;
        switch (target)
        {
            case MatClass.UInt64: return values;
            case MatClass.Double: return Convert(values, v => (double)v);
            case MatClass.Single: return Convert(values, v => (float)v);
        }
        var asSigned = new long[count];
        for (var i = 0; i < count; i++)
        {
            if (values[i] > long.MaxValue)
            {
                problem = $"value {values[i]} does not fit class {Name(target)}";
                return null;
            }
            asSigned[i] = (long)values[i];
        }
        return FromIntegers(asSigned, target, out problem);
    }

    private static Array? FromIntegers(long[] values, MatClass target, out string? problem)
    {
        problem = null;
        switch (target)
        {
            case MatClass.Double: return Convert(values, v => (double)v);
            case MatClass.Single: return Convert(values, v => (float)v);
            case MatClass.Int64: return values;
        }
        var (min, max) = IntegerRange(target);
        foreach (var v in values)
        {
            if (v < min || v > max)
            {
                problem = $"value {v} does not fit class {Name(target)}";
                return null;
            }
        }
        return target switch
        {
            MatClass.Int8 => Convert(values, v => (sbyte)v),
            MatClass.UInt8 => Convert(values, v => (byte)v),
            MatClass.Int16 => Convert(values, v => (short)v),
            MatClass.UInt16 => Convert(values, v => (ushort)v),
            MatClass.Int32 => Convert(values, v => (int)v),
            MatClass.UInt32 => Convert(values, v => (uint)v),
            MatClass.UInt64 => Convert(values, v => (ulong)v),
            _ => throw new InvalidOperationException($"{target} is not a numeric class."),
        };
    }

    private static Array? FromDoubles(double[] values, MatClass target, out string? problem)
    {
        problem = null;
        if (target == MatClass.Double) return values;
        if (target == MatClass.Single) return Convert(values, v => (float)v);
        var integers = new long[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            // 2^63 is exactly representable; anything at or beyond it cannot be an int64 (or converted uint64).
            if (v != Math.Floor(v) || v < -9.223372036854775808e18 || v >= 9.223372036854775808e18)
            {
                problem = $"value {v} does not fit class {Name(target)}";
                return null;
            }
            integers[i] = (long)v;
        }
        return FromIntegers(integers, target, out problem);
    }

    private static TOut[] Convert<TIn, TOut>(TIn[] values, Func<TIn, TOut> convert)
    {
        var result = new TOut[values.Length];
        for (var i = 0; i < values.Length; i++) result[i] = convert(values[i]);
        return result;
    }

    private static string Name(MatClass type) => type.ToString().ToLowerInvariant();

    private static (long Min, long Max) IntegerRange(MatClass type) => type switch
    {
        MatClass.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        MatClass.UInt8 => (byte.MinValue, byte.MaxValue),
        MatClass.Int16 => (short.MinValue, short.MaxValue),
        MatClass.UInt16 => (ushort.MinValue, ushort.MaxValue),
        MatClass.Int32 => (int.MinValue, int.MaxValue),
        MatClass.UInt32 => (uint.MinValue, uint.MaxValue),
        MatClass.UInt64 => (0, long.MaxValue),
        _ => throw new InvalidOperationException($"{type} is not an integer class of at most 64 signed bits."),
    };
}
