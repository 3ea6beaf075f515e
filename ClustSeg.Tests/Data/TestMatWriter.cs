using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ClustSeg.Tests.Data;

/// <summary>Values the test writer can store, mirroring the MATLAB array kinds the reader supports.</summary>
internal abstract record TestMatValue(int[] Dimensions);

/// <summary>A numeric array: class number (6 = double ... 15 = uint64), storage mi-type, values in column-major order.</summary>
internal sealed record TestMatNumeric(int[] Dimensions, int ClassNumber, int StorageType, double[] ColumnMajor, bool Logical = false)
    : TestMatValue(Dimensions);

internal sealed record TestMatCell(int[] Dimensions, TestMatValue[] Cells) : TestMatValue(Dimensions);

internal sealed record TestMatStruct(int[] Dimensions, string[] Fields, TestMatValue[] Values) : TestMatValue(Dimensions);

internal sealed record TestMatChars(string Text) : TestMatValue([1, Text.Length]);

/// <summary>
/// A minimal MAT v5 writer written from the format description, used to build small files for reader tests:
/// compressed or not, either byte order, small-element format for data of at most 4 bytes.
/// </summary>
internal static class TestMatWriter
{
    public const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6, MiSingle = 7,
        MiDouble = 9, MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15, MiUtf8 = 16;

    public const int ClassCell = 1, ClassStruct = 2, ClassChar = 4, ClassSparse = 5, ClassDouble = 6, ClassSingle = 7,
        ClassInt8 = 8, ClassUInt8 = 9, ClassInt16 = 10, ClassUInt16 = 11, ClassInt32 = 12, ClassUInt32 = 13;

    public static byte[] Write(IEnumerable<(string Name, TestMatValue Value)> variables, bool compress, bool bigEndian = false)
    {
        var output = new MemoryStream();
        output.Write(Header(bigEndian));
        foreach (var (name, value) in variables)
        {
            var matrix = Element(MiMatrix, Matrix(name, value, bigEndian), bigEndian);
            output.Write(compress ? CompressedElement(matrix, bigEndian) : matrix);
        }
        return output.ToArray();
    }

    public static byte[] Header(bool bigEndian = false, int version = 0x0100)
    {
        var header = new byte[128];
        var text = Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, written by ClustSeg tests");
        Array.Fill(header, (byte)' ', 0, 116);
        text.CopyTo(header, 0);
        Array.Clear(header, 116, 8);
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(124), (ushort)version);
            header[126] = (byte)'M';
            header[127] = (byte)'I';
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), (ushort)version);
            header[126] = (byte)'I';
            header[127] = (byte)'M';
        }
        return header;
    }

    /// <summary>A full data element: 8-byte tag (or 4-byte small tag), data, padding to 8 bytes.</summary>
    public static byte[] Element(int type, byte[] data, bool bigEndian, bool allowSmall = true)
    {
        if (allowSmall && data.Length is > 0 and <= 4 && type != MiMatrix)
        {
            var small = new byte[8];
            WriteUInt32(small, 0, (uint)(data.Length << 16 | type), bigEndian);
            data.CopyTo(small, 4);
            return small;
        }
        var padded = (data.Length + 7) & ~7;
        var element = new byte[8 + padded];
        WriteUInt32(element, 0, (uint)type, bigEndian);
        WriteUInt32(element, 4, (uint)data.Length, bigEndian);
        data.CopyTo(element, 8);
        return element;
    }

    public static byte[] CompressedElement(byte[] innerElement, bool bigEndian)
    {
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(innerElement);
        var data = compressed.ToArray();
        var element = new byte[8 + data.Length];
        WriteUInt32(element, 0, MiCompressed, bigEndian);
        WriteUInt32(element, 4, (uint)data.Length, bigEndian);
        data.CopyTo(element, 8);
        return element;
    }

    private static byte[] Matrix(string name, TestMatValue value, bool bigEndian)
    {
        var body = new MemoryStream();
        var (classNumber, flags) = value switch
        {
            TestMatNumeric n => (n.ClassNumber, n.Logical ? 0x02 : 0),
            TestMatCell => (ClassCell, 0),
            TestMatStruct => (ClassStruct, 0),
            TestMatChars => (ClassChar, 0),
            _ => throw new ArgumentException(value.GetType().Name),
        };
        var flagBytes = new byte[8];
        WriteUInt32(flagBytes, 0, (uint)(classNumber | flags << 8), bigEndian);
        body.Write(Element(MiUInt32, flagBytes, bigEndian));
        body.Write(Element(MiInt32, Int32s(value.Dimensions, bigEndian), bigEndian));
        body.Write(Element(MiInt8, Encoding.ASCII.GetBytes(name), bigEndian, allowSmall: name.Length > 0));
        switch (value)
        {
            case TestMatNumeric n:
                body.Write(Element(n.StorageType, Encode(n.ColumnMajor, n.StorageType, bigEndian), bigEndian));
                break;
            case TestMatCell c:
                foreach (var cell in c.Cells) body.Write(Element(MiMatrix, Matrix("", cell, bigEndian), bigEndian));
                break;
            case TestMatStruct s:
                const int nameLength = 32;
                body.Write(Element(MiInt32, Int32s([nameLength], bigEndian), bigEndian));
                var names = new byte[nameLength * s.Fields.Length];
                for (var f = 0; f < s.Fields.Length; f++) Encoding.ASCII.GetBytes(s.Fields[f]).CopyTo(names, f * nameLength);
                body.Write(Element(MiInt8, names, bigEndian));
                foreach (var field in s.Values) body.Write(Element(MiMatrix, Matrix("", field, bigEndian), bigEndian));
                break;
            case TestMatChars t:
                body.Write(Element(MiUtf8, Encoding.UTF8.GetBytes(t.Text), bigEndian));
                break;
        }
        return body.ToArray();
    }

    private static byte[] Int32s(int[] values, bool bigEndian)
    {
        var bytes = new byte[4 * values.Length];
        for (var i = 0; i < values.Length; i++) WriteUInt32(bytes, 4 * i, (uint)values[i], bigEndian);
        return bytes;
    }

    private static byte[] Encode(double[] values, int storage, bool bigEndian)
    {
        var size = storage switch
        {
            MiInt8 or MiUInt8 => 1,
            MiInt16 or MiUInt16 => 2,
            MiInt32 or MiUInt32 or MiSingle => 4,
            _ => 8,
        };
        var bytes = new byte[size * values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var span = bytes.AsSpan(size * i, size);
            var v = values[i];
            switch (storage)
            {
                case MiInt8: span[0] = (byte)(sbyte)v; break;
                case MiUInt8: span[0] = (byte)v; break;
                case MiInt16: if (bigEndian) BinaryPrimitives.WriteInt16BigEndian(span, (short)v); else BinaryPrimitives.WriteInt16LittleEndian(span, (short)v); break;
                case MiUInt16: if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)v); else BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)v); break;
                case MiInt32: if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(span, (int)v); else BinaryPrimitives.WriteInt32LittleEndian(span, (int)v); break;
                case MiUInt32: WriteUInt32(bytes, size * i, (uint)v, bigEndian); break;
                case MiSingle: if (bigEndian) BinaryPrimitives.WriteSingleBigEndian(span, (float)v); else BinaryPrimitives.WriteSingleLittleEndian(span, (float)v); break;
                case MiDouble: if (bigEndian) BinaryPrimitives.WriteDoubleBigEndian(span, v); else BinaryPrimitives.WriteDoubleLittleEndian(span, v); break;
                case MiInt64: if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(span, (long)v); else BinaryPrimitives.WriteInt64LittleEndian(span, (long)v); break;
                case MiUInt64: if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(span, (ulong)v); else BinaryPrimitives.WriteUInt64LittleEndian(span, (ulong)v); break;
                default: throw new ArgumentException($"storage {storage}");
            }
        }
        return bytes;
    }

    private static void WriteUInt32(byte[] buffer, int offset, uint value, bool bigEndian)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset), value);
        else BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(offset), value);
    }
}
