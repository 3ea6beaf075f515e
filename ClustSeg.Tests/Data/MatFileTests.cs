using ClustSeg.Runtime.Data.Matlab;
using static ClustSeg.Tests.Data.TestMatWriter;

namespace ClustSeg.Tests.Data;

public class MatFileTests
{
    // A 2x3 matrix [1 2 3; 4 5 6] is stored column-major as 1 4 2 5 3 6.
    private static readonly double[] TwoByThreeColumnMajor = [1, 4, 2, 5, 3, 6];
    private static readonly int[] TwoByThreeRowMajor = [1, 2, 3, 4, 5, 6];

    public static TheoryData<bool, bool> Layouts => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ReadsBsdsShapedCellOfStructs(bool compress, bool bigEndian)
    {
        var annotation1 = new TestMatStruct([1, 1], ["Segmentation", "Boundaries"],
        [
            new TestMatNumeric([2, 3], ClassUInt16, MiUInt8, TwoByThreeColumnMajor),
            new TestMatNumeric([2, 3], ClassUInt8, MiUInt8, [0, 1, 1, 0, 0, 1], Logical: true),
        ]);
        var annotation2 = new TestMatStruct([1, 1], ["Segmentation", "Boundaries"],
        [
            new TestMatNumeric([2, 3], ClassUInt16, MiUInt16, [1, 1, 1, 300, 2, 2]),
            new TestMatNumeric([2, 3], ClassUInt8, MiUInt8, [0, 0, 0, 0, 0, 0], Logical: true),
        ]);
        var bytes = Write([("groundTruth", new TestMatCell([1, 2], [annotation1, annotation2]))], compress, bigEndian);

        var file = MatFile.Parse(bytes, "memory.mat");

        var cell = Assert.IsType<MatCellArray>(Assert.Single(file.Variables));
        Assert.Equal("groundTruth", cell.Name);
        Assert.Equal([1, 2], cell.Dimensions);
        var first = Assert.IsType<MatStructArray>(cell.Cells[0]);
        Assert.Equal(["Segmentation", "Boundaries"], first.FieldNames);
        var segmentation = Assert.IsType<MatNumericArray>(first.GetField(0, "Segmentation"));
        Assert.Equal(MatClass.UInt16, segmentation.Class);
        Assert.IsType<ushort[]>(segmentation.Real);
        Assert.Equal(TwoByThreeRowMajor, segmentation.ToInt32RowMajor());
        var boundaries = Assert.IsType<MatNumericArray>(first.GetField(0, "Boundaries"));
        Assert.True(boundaries.IsLogical);
        Assert.Equal([0, 1, 0, 1, 0, 1], boundaries.ToInt32RowMajor());
        var second = Assert.IsType<MatNumericArray>(((MatStructArray)cell.Cells[1]).GetField(0, "Segmentation"));
        Assert.Equal([1, 1, 2, 1, 300, 2], second.ToInt32RowMajor());
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ReadsNumericClassesCharAndSmallElements(bool compress, bool bigEndian)
    {
        var bytes = Write(
        [
            ("d", new TestMatNumeric([2, 3], ClassDouble, MiDouble, [0.5, -1, 2.25, 3, 4, 1e10])),
            ("s", new TestMatNumeric([1, 1], ClassSingle, MiSingle, [1.5])), // 4 bytes: small element format
            ("i8", new TestMatNumeric([1, 3], ClassInt8, MiInt8, [-128, 0, 127])),
            ("i32", new TestMatNumeric([3, 1], ClassInt32, MiInt16, [-20000, 7, 32767])),
            ("u32", new TestMatNumeric([1, 2], ClassUInt32, MiUInt32, [4000000000, 1])),
            ("u8", new TestMatNumeric([1, 3], ClassUInt8, MiUInt8, [200, 255, 0])),
            ("x", new TestMatNumeric([2, 2, 2], ClassDouble, MiUInt8, [0, 1, 2, 3, 4, 5, 6, 7])),
            ("label", new TestMatChars("Segmentation")),
        ], compress, bigEndian);

        var file = MatFile.Parse(bytes, "numbers.mat");

        Assert.Equal(["d", "s", "i8", "i32", "u32", "u8", "x", "label"], file.Variables.Select(v => v.Name));
        var d = (MatNumericArray)file.Get("d");
        Assert.Equal([0.5, 2.25, 4, -1, 3, 1e10], d.ToDoubleRowMajor());
        Assert.Equal(1.5, ((MatNumericArray)file.Get("s")).GetDouble(0));
        Assert.Equal(new sbyte[] { -128, 0, 127 }, (sbyte[])((MatNumericArray)file.Get("i8")).Real);
        Assert.Equal([-20000, 7, 32767], ((MatNumericArray)file.Get("i32")).ToInt32RowMajor());
        Assert.Equal(new uint[] { 4000000000, 1 }, (uint[])((MatNumericArray)file.Get("u32")).Real);
        Assert.Equal([200, 255, 0], ((MatNumericArray)file.Get("u8")).ToInt32RowMajor());
        Assert.Equal(4000000000.0, ((MatNumericArray)file.Get("u32")).GetDouble(0));
        // 2x2x2 column-major 0..7: element (i, j, k) = i + 2j + 4k; row-major lists (0,0,0), (0,0,1), (0,1,0) ...
        Assert.Equal([0, 4, 2, 6, 1, 5, 3, 7], ((MatNumericArray)file.Get("x")).ToDoubleRowMajor());
        Assert.Equal("Segmentation", ((MatCharArray)file.Get("label")).Text);
    }

    [Fact]
    public void IntegerTooLargeForInt32IsReportedWithArrayName()
    {
        var bytes = Write([("big", new TestMatNumeric([1, 2], ClassUInt32, MiUInt32, [1, 4000000000]))], compress: false);
        var array = (MatNumericArray)MatFile.Parse(bytes, "big.mat").Get("big");
        var error = Assert.Throws<InvalidDataException>(() => array.ToInt32RowMajor());
        Assert.Contains("'big'", error.Message);
        Assert.Contains("4000000000", error.Message);
    }

    [Fact]
    public void MissingVariableListsThosePresent()
    {
        var bytes = Write([("a", new TestMatNumeric([1, 1], ClassDouble, MiDouble, [1]))], compress: true);
        var error = Assert.Throws<MatFileException>(() => MatFile.Parse(bytes, "vars.mat").Get("groundTruth"));
        Assert.Equal("MAT file 'vars.mat': has no variable 'groundTruth' (variables: a)", error.Message);
    }

    [Fact]
    public void DataStoredInSmallerTypeMustFitTheClass()
    {
        var bytes = Write([("v", new TestMatNumeric([1, 2], ClassUInt8, MiInt16, [3, -1]))], compress: false);
        var error = Assert.Throws<MatFileException>(() => MatFile.Parse(bytes, "fit.mat"));
        Assert.Contains("array 'v' at byte 128", error.Message);
        Assert.Contains("value -1 does not fit class uint8", error.Message);
    }
}
