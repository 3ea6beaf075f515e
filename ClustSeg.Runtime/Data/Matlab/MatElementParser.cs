using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>
/// Parses MAT v5 data elements (after the 128-byte header) into arrays. Every failure becomes a
/// <see cref="MatFileException"/> that gives the byte offset and what was found there.
/// </summary>
internal sealed class MatElementParser
{
    // Deeper nesting than this is not produced by MATLAB in practice; the limit keeps a crafted file from
    // exhausting the stack.
    private const int MaxNesting = 64;
    private const uint ComplexFlag = 0x08, LogicalFlag = 0x02;

    private readonly string _path;
    private readonly bool _bigEndian;

    public MatElementParser(string path, bool bigEndian)
    {
        _path = path;
        _bigEndian = bigEndian;
    }

    /// <summary>Bytes being parsed: the file itself, or what one miCOMPRESSED element inflated to.</summary>
    private sealed record Region(byte[] Bytes, int? CompressedElementOffset)
    {
        public string At(int offset) => CompressedElementOffset is { } outer
            ? $"byte {offset} of the data decompressed from the element at file byte {outer}"
            : $"byte {offset}";
    }

    private readonly record struct Tag(uint Type, int Size, int Offset, int DataStart, int Next)
    {
        public int DataEnd => DataStart + Size;
    }

    public List<MatArray> ReadVariables(byte[] file, int start)
    {
        var variables = new List<MatArray>();
        ReadElementsInto(new Region(file, null), start, variables, allowCompressed: true);
        return variables;
    }

    private void ReadElementsInto(Region region, int start, List<MatArray> into, bool allowCompressed)
    {
        var position = start;
        while (position < region.Bytes.Length)
        {
            var tag = ReadTag(region, position, region.Bytes.Length);
            switch ((MatDataType)tag.Type)
            {
                case MatDataType.Matrix:
                    into.Add(ReadMatrix(region, tag, depth: 0));
                    break;
                case MatDataType.Compressed when allowCompressed:
                    ReadElementsInto(Inflate(region, tag), 0, into, allowCompressed: false);
                    break;
                default:
                    throw Fail($"element at {region.At(tag.Offset)} has {MatDataTypes.Describe(tag.Type)}; " +
                        (allowCompressed
                            ? "top-level elements must be miMATRIX (14) or miCOMPRESSED (15)"
                            : "a compressed element must hold miMATRIX (14) elements"));
            }
            position = tag.Next;
        }
    }

    private Region Inflate(Region region, Tag tag)
    {
        try
        {
            using var input = new MemoryStream(region.Bytes, tag.DataStart, tag.Size, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            zlib.CopyTo(output);
            return new Region(output.ToArray(), tag.Offset);
        }
        catch (InvalidDataException e)
        {
            throw Fail($"compressed element at {region.At(tag.Offset)} ({tag.Size} bytes) is not valid zlib data " +
                $"({e.Message}); the file is corrupt", e);
        }
    }

    private Tag ReadTag(Region region, int offset, int limit)
    {
        var bytes = region.Bytes;
        if (limit - offset < 8)
            throw Fail($"element at {region.At(offset)} is cut off: {limit - offset} bytes remain but a tag needs 8; " +
                "the file is truncated");
        var first = ReadUInt32(bytes, offset);
        if (first >> 16 != 0)
        {
            // Small data element: size in the upper half of the first word, data in the second word.
            var smallSize = (int)(first >> 16);
            var smallType = first & 0xFFFF;
            if (smallSize > 4)
                throw Fail($"small element at {region.At(offset)} declares {smallSize} bytes ({MatDataTypes.Describe(smallType)}), " +
                    "but at most 4 fit; the file is corrupt");
            return new Tag(smallType, smallSize, offset, offset + 4, offset + 8);
        }
        var size = ReadUInt32(bytes, offset + 4);
        var dataStart = offset + 8;
        if (size > (uint)(limit - dataStart))
            throw Fail($"element at {region.At(offset)} ({MatDataTypes.Describe(first)}) declares {size} bytes but only " +
                $"{limit - dataStart} remain in {(limit == bytes.Length ? "the data" : "its enclosing element")}; " +
                "the file is truncated or corrupt");
        var end = dataStart + (int)size;
        // Elements are padded to 8 bytes, except compressed ones; tolerate a missing final pad.
        var next = first == (uint)MatDataType.Compressed ? end : Math.Min((end + 7) & ~7, limit);
        return new Tag(first, (int)size, offset, dataStart, next);
    }

    private MatArray ReadMatrix(Region region, Tag matrix, int depth)
    {
        if (depth > MaxNesting)
            throw Fail($"array at {region.At(matrix.Offset)} is nested more than {MaxNesting} levels deep");
        if (matrix.Size == 0)
            return new MatNumericArray("", [0, 0], MatClass.Double, false, Array.Empty<double>(), null);

        var limit = matrix.DataEnd;
        var flags = ReadTag(region, matrix.DataStart, limit);
        if (flags.Type != (uint)MatDataType.UInt32 || flags.Size != 8)
            throw Fail($"array at {region.At(matrix.Offset)}: its array-flags subelement has {MatDataTypes.Describe(flags.Type)} " +
                $"with {flags.Size} bytes, expected miUINT32 (6) with 8 bytes");
        var flagWord = ReadUInt32(region.Bytes, flags.DataStart);
        var classNumber = (int)(flagWord & 0xFF);
        var flagBits = (flagWord >> 8) & 0xFF;

        var dimensionsTag = ReadTag(region, flags.Next, limit);
        var dimensions = ReadDimensions(region, matrix, dimensionsTag);
        var nameTag = ReadTag(region, dimensionsTag.Next, limit);
        if (nameTag.Type is not ((uint)MatDataType.Int8 or (uint)MatDataType.UInt8 or (uint)MatDataType.Utf8))
            throw Fail($"array at {region.At(matrix.Offset)}: its name subelement has {MatDataTypes.Describe(nameTag.Type)}, expected miINT8 (1)");
        var name = Encoding.UTF8.GetString(region.Bytes, nameTag.DataStart, nameTag.Size);
        var context = new ArrayContext(region, matrix, name, dimensions, nameTag.Next, limit);

        if (!Enum.IsDefined(typeof(MatClass), classNumber))
            throw Fail($"{context.Describe()} has unknown array class {classNumber}");
        var arrayClass = (MatClass)classNumber;
        return arrayClass switch
        {
            MatClass.Cell => ReadCell(context, depth),
            MatClass.Struct => ReadStruct(context, depth),
            MatClass.Char => ReadChar(context),
            >= MatClass.Double and <= MatClass.UInt64 => ReadNumeric(context, arrayClass,
                (flagBits & ComplexFlag) != 0, (flagBits & LogicalFlag) != 0),
            _ => throw Fail($"{context.Describe()} has class {arrayClass.ToString().ToLowerInvariant()} ({classNumber}), " +
                "which this reader does not support (only numeric, logical, char, cell and struct arrays); " +
                "save the data with plain arrays or read the file with MATLAB/SciPy"),
        };
    }

    /// <summary>Where an array's content starts and ends, for reading its remaining subelements.</summary>
    private sealed record ArrayContext(Region Region, Tag Matrix, string Name, int[] Dimensions, int ContentStart, int Limit)
    {
        public int ElementCount => Dimensions.Aggregate(1, (product, d) => checked(product * d));

        public string Describe() =>
            $"array {(Name.Length > 0 ? $"'{Name}'" : "(unnamed)")} at {Region.At(Matrix.Offset)}";
    }

    private int[] ReadDimensions(Region region, Tag matrix, Tag tag)
    {
        if (tag.Type != (uint)MatDataType.Int32 || tag.Size % 4 != 0 || tag.Size < 8)
            throw Fail($"array at {region.At(matrix.Offset)}: its dimensions subelement has {MatDataTypes.Describe(tag.Type)} " +
                $"with {tag.Size} bytes, expected miINT32 (5) with at least two values");
        var dimensions = new int[tag.Size / 4];
        long count = 1;
        for (var i = 0; i < dimensions.Length; i++)
        {
            dimensions[i] = (int)ReadUInt32(region.Bytes, tag.DataStart + 4 * i);
            if (dimensions[i] < 0)
                throw Fail($"array at {region.At(matrix.Offset)} has negative dimension {dimensions[i]}");
            count *= dimensions[i];
            if (count > int.MaxValue)
                throw Fail($"array at {region.At(matrix.Offset)} has dimensions {string.Join("x", dimensions.Take(i + 1))}..., " +
                    "more than 2^31 elements");
        }
        return dimensions;
    }

    private MatNumericArray ReadNumeric(ArrayContext context, MatClass arrayClass, bool isComplex, bool isLogical)
    {
        var realTag = ReadTag(context.Region, context.ContentStart, context.Limit);
        var real = DecodeNumeric(context, realTag, arrayClass, "real part");
        Array? imaginary = null;
        if (isComplex)
        {
            var imaginaryTag = ReadTag(context.Region, realTag.Next, context.Limit);
            imaginary = DecodeNumeric(context, imaginaryTag, arrayClass, "imaginary part");
        }
        return new MatNumericArray(context.Name, context.Dimensions, arrayClass, isLogical, real, imaginary);
    }

    private Array DecodeNumeric(ArrayContext context, Tag tag, MatClass arrayClass, string part)
    {
        var storage = (MatDataType)tag.Type;
        var bytes = new ReadOnlySpan<byte>(context.Region.Bytes, tag.DataStart, tag.Size);
        return MatNumericDecoder.Decode(bytes, storage, arrayClass, _bigEndian, context.ElementCount, out var problem)
            ?? throw Fail($"{context.Describe()} ({arrayClass.ToString().ToLowerInvariant()} {string.Join("x", context.Dimensions)}): " +
                $"its {part} at {context.Region.At(tag.Offset)} {problem}");
    }

    private MatCharArray ReadChar(ArrayContext context)
    {
        var tag = ReadTag(context.Region, context.ContentStart, context.Limit);
        var bytes = context.Region.Bytes;
        string text = (MatDataType)tag.Type switch
        {
            MatDataType.Utf8 or MatDataType.UInt8 or MatDataType.Int8 => Encoding.UTF8.GetString(bytes, tag.DataStart, tag.Size),
            MatDataType.UInt16 or MatDataType.Utf16 => (_bigEndian ? Encoding.BigEndianUnicode : Encoding.Unicode)
                .GetString(bytes, tag.DataStart, tag.Size),
            _ => throw Fail($"{context.Describe()} (char): its data at {context.Region.At(tag.Offset)} has " +
                $"{MatDataTypes.Describe(tag.Type)}; expected miUINT16, miUTF8 or miUTF16"),
        };
        if (text.Length != context.ElementCount)
            throw Fail($"{context.Describe()} (char {string.Join("x", context.Dimensions)}) holds {text.Length} characters, " +
                $"its dimensions need {context.ElementCount}");
        var rowCount = context.Dimensions[0];
        var columnCount = rowCount == 0 ? 0 : context.ElementCount / rowCount;
        var rows = new string[rowCount];
        var row = new char[columnCount];
        for (var r = 0; r < rowCount; r++)
        {
            for (var c = 0; c < columnCount; c++) row[c] = text[r + rowCount * c];
            rows[r] = new string(row);
        }
        return new MatCharArray(context.Name, context.Dimensions, rows);
    }

    private MatCellArray ReadCell(ArrayContext context, int depth)
    {
        var cells = new MatArray[context.ElementCount];
        var position = context.ContentStart;
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = ReadNestedMatrix(context, ref position, depth, $"cell {i + 1} of {cells.Length}");
        }
        return new MatCellArray(context.Name, context.Dimensions, cells);
    }

    private MatStructArray ReadStruct(ArrayContext context, int depth)
    {
        var region = context.Region;
        var lengthTag = ReadTag(region, context.ContentStart, context.Limit);
        if (lengthTag.Type != (uint)MatDataType.Int32 || lengthTag.Size != 4)
            throw Fail($"{context.Describe()} (struct): its field-name-length subelement has {MatDataTypes.Describe(lengthTag.Type)} " +
                $"with {lengthTag.Size} bytes, expected one miINT32 (5)");
        var nameLength = (int)ReadUInt32(region.Bytes, lengthTag.DataStart);
        var namesTag = ReadTag(region, lengthTag.Next, context.Limit);
        if (namesTag.Type != (uint)MatDataType.Int8 || nameLength <= 0 || namesTag.Size % nameLength != 0)
            throw Fail($"{context.Describe()} (struct): its field-names subelement has {MatDataTypes.Describe(namesTag.Type)} " +
                $"with {namesTag.Size} bytes, expected miINT8 (1) holding names of {nameLength} bytes each");
        var fieldNames = new string[namesTag.Size / nameLength];
        for (var f = 0; f < fieldNames.Length; f++)
        {
            var raw = new ReadOnlySpan<byte>(region.Bytes, namesTag.DataStart + f * nameLength, nameLength);
            var terminator = raw.IndexOf((byte)0);
            fieldNames[f] = Encoding.UTF8.GetString(terminator >= 0 ? raw[..terminator] : raw);
        }

        var values = new MatArray[context.ElementCount * fieldNames.Length];
        var position = namesTag.Next;
        for (var e = 0; e < context.ElementCount; e++)
        {
            for (var f = 0; f < fieldNames.Length; f++)
            {
                values[e * fieldNames.Length + f] =
                    ReadNestedMatrix(context, ref position, depth, $"field '{fieldNames[f]}' of element {e + 1}");
            }
        }
        return new MatStructArray(context.Name, context.Dimensions, fieldNames, values);
    }

    private MatArray ReadNestedMatrix(ArrayContext parent, ref int position, int depth, string what)
    {
        var tag = ReadTag(parent.Region, position, parent.Limit);
        if (tag.Type != (uint)MatDataType.Matrix)
            throw Fail($"{parent.Describe()}: {what} at {parent.Region.At(tag.Offset)} has {MatDataTypes.Describe(tag.Type)}, " +
                "expected miMATRIX (14)");
        position = tag.Next;
        return ReadMatrix(parent.Region, tag, depth + 1);
    }

    private uint ReadUInt32(byte[] bytes, int offset) => _bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset))
        : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));

    private MatFileException Fail(string problem, Exception? inner = null) => new(_path, problem, inner);
}
