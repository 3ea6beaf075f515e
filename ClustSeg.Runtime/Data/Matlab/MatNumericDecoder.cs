using System.Buffers.Binary;

namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>
/// Turns the stored bytes of a numeric subelement into the array type of its MATLAB class. MATLAB often stores a
/// class in a smaller type (a uint16 array whose values fit in a byte is written as miUINT8), so storage type and
/// class are converted independently, with range checks.
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

        if (storage is MatDataType.Single or MatDataType.Double)
            return FromDoubles(ReadFloating(bytes, storage, bigEndian, count), target, out problem);
        if (storage is MatDataType.UInt64)
            return FromUnsigned64(bytes, bigEndian, count, target, out problem);
        return FromIntegers(ReadIntegers(bytes, storage, bigEndian, count), target, out problem);
    }

    private static double[] ReadFloating(ReadOnlySpan<byte> bytes, MatDataType storage, bool bigEndian, int count)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = storage == MatDataType.Single
                ? (bigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]))
                : (bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(bytes[(8 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]));
        }
        return values;
    }

    private static long[] ReadIntegers(ReadOnlySpan<byte> bytes, MatDataType storage, bool bigEndian, int count)
    {
        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = storage switch
            {
                MatDataType.Int8 => (long)(sbyte)bytes[i],
                MatDataType.UInt8 => (long)bytes[i],
                MatDataType.Int16 => (long)(bigEndian ? BinaryPrimitives.ReadInt16BigEndian(bytes[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..])),
                MatDataType.UInt16 => (long)(bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..])),
                MatDataType.Int32 => (long)(bigEndian ? BinaryPrimitives.ReadInt32BigEndian(bytes[(4 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..])),
                MatDataType.UInt32 => (long)(bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes[(4 * i)..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..])),
                MatDataType.Int64 => (long)(bigEndian ? BinaryPrimitives.ReadInt64BigEndian(bytes[(8 * i)..]) : BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..])),
                _ => throw new InvalidOperationException($"{storage} is not an integer type of at most 64 signed bits."),
            };
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
            case MatClass.Double: return values.Select(v => (double)v).ToArray();
            case MatClass.Single: return values.Select(v => (float)v).ToArray();
        }
        var asSigned = new long[count];
        for (var i = 0; i < count; i++)
        {
            if (values[i] > long.MaxValue)
            {
                problem = $"value {values[i]} does not fit class {target.ToString().ToLowerInvariant()}";
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
            case MatClass.Double: return values.Select(v => (double)v).ToArray();
            case MatClass.Single: return values.Select(v => (float)v).ToArray();
            case MatClass.Int64: return values;
            case MatClass.UInt64:
                var negative = Array.Find(values, v => v < 0);
                if (negative < 0)
                {
                    problem = $"value {negative} does not fit class uint64";
                    return null;
                }
                return values.Select(v => (ulong)v).ToArray();
        }
        var (min, max) = IntegerRange(target);
        foreach (var v in values)
        {
            if (v < min || v > max)
            {
                problem = $"value {v} does not fit class {target.ToString().ToLowerInvariant()}";
                return null;
            }
        }
        return target switch
        {
            MatClass.Int8 => values.Select(v => (sbyte)v).ToArray(),
            MatClass.UInt8 => values.Select(v => (byte)v).ToArray(),
            MatClass.Int16 => values.Select(v => (short)v).ToArray(),
            MatClass.UInt16 => values.Select(v => (ushort)v).ToArray(),
            MatClass.Int32 => values.Select(v => (int)v).ToArray(),
            MatClass.UInt32 => values.Select(v => (uint)v).ToArray(),
            _ => throw new InvalidOperationException($"{target} is not a numeric class."),
        };
    }

    private static Array? FromDoubles(double[] values, MatClass target, out string? problem)
    {
        problem = null;
        if (target == MatClass.Double) return values;
        if (target == MatClass.Single) return values.Select(v => (float)v).ToArray();
        var integers = new long[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            // 2^63 is exactly representable; anything at or beyond it cannot be an int64 (or converted uint64).
            if (v != Math.Floor(v) || v < -9.223372036854775808e18 || v >= 9.223372036854775808e18)
            {
                problem = $"value {v} does not fit class {target.ToString().ToLowerInvariant()}";
                return null;
            }
            integers[i] = (long)v;
        }
        return FromIntegers(integers, target, out problem);
    }

    private static (long Min, long Max) IntegerRange(MatClass type) => type switch
    {
        MatClass.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        MatClass.UInt8 => (byte.MinValue, byte.MaxValue),
        MatClass.Int16 => (short.MinValue, short.MaxValue),
        MatClass.UInt16 => (ushort.MinValue, ushort.MaxValue),
        MatClass.Int32 => (int.MinValue, int.MaxValue),
        MatClass.UInt32 => (uint.MinValue, uint.MaxValue),
        _ => throw new InvalidOperationException($"{type} is not a 32-bit-or-smaller integer class."),
    };
}
