using System.Buffers.Binary;
using ClustSeg.Runtime.Data.Matlab;
using static ClustSeg.Tests.Data.TestMatWriter;

namespace ClustSeg.Tests.Data;

public class MatFileMalformedTests
{
    private static byte[] OneVariable(bool compress) =>
        Write([("labels", new TestMatNumeric([4, 4], ClassUInt16, MiUInt16, Enumerable.Range(1, 16).Select(i => (double)i).ToArray()))], compress);

    private static MatFileException Fails(byte[] bytes) =>
        Assert.Throws<MatFileException>(() => MatFile.Parse(bytes, "broken.mat"));

    [Fact]
    public void FileShorterThanHeader()
    {
        var error = Fails(new byte[50]);
        Assert.Equal("broken.mat", error.FilePath);
        Assert.Equal(
            "MAT file 'broken.mat': is 50 bytes long, shorter than the 128-byte MAT v5 header; the file is truncated or not a .mat file",
            error.Message);
    }

    [Fact]
    public void BadEndianIndicator()
    {
        var bytes = OneVariable(compress: false);
        bytes[126] = (byte)'X';
        bytes[127] = (byte)'Y';
        var error = Fails(bytes);
        Assert.StartsWith("MAT file 'broken.mat': bad header: bytes 126-127 should be the endian indicator 'IM' or 'MI', found 0x58 0x59",
            error.Message);
    }

    [Fact]
    public void Version73FileIsRejectedWithAdvice()
    {
        var error = Fails(Header(version: 0x0200));
        Assert.Contains("MAT v7.3 (HDF5)", error.Message);
        Assert.Contains("'-v7'", error.Message);
    }

    [Fact]
    public void UnknownVersion()
    {
        var error = Fails(Header(version: 0x0300));
        Assert.Contains("bad header: version field is 0x0300, expected 0x0100", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedFileNamesTheElementAndBytes(bool compress)
    {
        var whole = OneVariable(compress);
        var declared = BinaryPrimitives.ReadUInt32LittleEndian(whole.AsSpan(132));
        var cut = whole[..(whole.Length - 9)];
        var error = Fails(cut);
        var type = compress ? "miCOMPRESSED (15)" : "miMATRIX (14)";
        Assert.Contains($"element at byte 128 ({type}) declares {declared} bytes but only {cut.Length - 136} remain", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void TruncatedTagAtEnd()
    {
        var bytes = OneVariable(compress: false).Concat(new byte[] { 14, 0, 0 }).ToArray();
        var error = Fails(bytes);
        Assert.Contains($"element at byte {bytes.Length - 3} is cut off: 3 bytes remain but a tag needs 8", error.Message);
    }

    [Fact]
    public void UnknownElementType()
    {
        var bytes = Header().Concat(Element(19, new byte[8], bigEndian: false)).ToArray();
        var error = Fails(bytes);
        Assert.Equal("MAT file 'broken.mat': element at byte 128 has unknown type 19; top-level elements must be miMATRIX (14) " +
            "or miCOMPRESSED (15)", error.Message);
    }

    [Fact]
    public void CorruptCompressedData()
    {
        var bytes = OneVariable(compress: true);
        for (var i = 136; i < bytes.Length; i++) bytes[i] = 0xFF;
        var error = Fails(bytes);
        Assert.Contains("compressed element at byte 128", error.Message);
        Assert.Contains("is not valid zlib data", error.Message);
    }

    [Fact]
    public void CompressedStreamCutShortReportsOffsetInsideDecompressedData()
    {
        // Keep the tag consistent with a shortened zlib stream, so only the inflated content is incomplete.
        var random = new Random(7);
        var values = Enumerable.Range(0, 900).Select(_ => random.NextDouble()).ToArray();
        var whole = Write([("noise", new TestMatNumeric([30, 30], ClassDouble, MiDouble, values))], compress: true);
        var half = whole[136..(136 + (whole.Length - 136) / 2)];
        var element = Element(MiCompressed, half, bigEndian: false, allowSmall: false)[..(8 + half.Length)];
        var error = Fails(Header().Concat(element).ToArray());
        Assert.Contains("element at byte 0 of the data decompressed from the element at file byte 128 (miMATRIX (14)) declares",
            error.Message);
    }

    [Fact]
    public void UnsupportedSparseArray()
    {
        var flags = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(flags, ClassSparse);
        var dims = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(dims, 2);
        BinaryPrimitives.WriteInt32LittleEndian(dims.AsSpan(4), 2);
        var body = Element(MiUInt32, flags, false).Concat(Element(MiInt32, dims, false))
            .Concat(Element(MiInt8, "sp"u8.ToArray(), false)).ToArray();
        var error = Fails(Header().Concat(Element(MiMatrix, body, false)).ToArray());
        Assert.Contains("array 'sp' at byte 128 has class sparse (5), which this reader does not support", error.Message);
    }

    [Fact]
    public void ArrayFlagsOfWrongType()
    {
        var body = Element(MiDouble, new byte[8], false).ToArray();
        var error = Fails(Header().Concat(Element(MiMatrix, body, false)).ToArray());
        Assert.Contains("array at byte 128: its array-flags subelement has miDOUBLE (9) with 8 bytes, expected miUINT32 (6) with 8 bytes",
            error.Message);
    }

    [Fact]
    public void DataLengthNotMatchingDimensions()
    {
        var bytes = Write([("m", new TestMatNumeric([3, 3], ClassDouble, MiDouble, [1, 2, 3, 4]))], compress: false);
        var error = Fails(bytes);
        Assert.Contains("array 'm' at byte 128 (double 3x3): its real part at byte", error.Message);
        Assert.Contains("holds 4 values of miDOUBLE (9) but its dimensions need 9", error.Message);
    }
}
