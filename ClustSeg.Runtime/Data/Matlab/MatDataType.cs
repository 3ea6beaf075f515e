namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>Data element types of MAT v5 files (the miXXX constants).</summary>
internal enum MatDataType : uint
{
    Int8 = 1,
    UInt8 = 2,
    Int16 = 3,
    UInt16 = 4,
    Int32 = 5,
    UInt32 = 6,
    Single = 7,
    Double = 9,
    Int64 = 12,
    UInt64 = 13,
    Matrix = 14,
    Compressed = 15,
    Utf8 = 16,
    Utf16 = 17,
    Utf32 = 18,
}

internal static class MatDataTypes
{
    public static bool IsKnown(uint type) => Enum.IsDefined(typeof(MatDataType), type);

    /// <summary>"miUINT16 (4)" for known types, "unknown type 19" otherwise.</summary>
    public static string Describe(uint type) => IsKnown(type)
        ? $"mi{((MatDataType)type).ToString().ToUpperInvariant()} ({type})"
        : $"unknown type {type}";

    /// <summary>Bytes per value of a numeric type, or 0 for non-numeric types.</summary>
    public static int NumericSize(MatDataType type) => type switch
    {
        MatDataType.Int8 or MatDataType.UInt8 => 1,
        MatDataType.Int16 or MatDataType.UInt16 => 2,
        MatDataType.Int32 or MatDataType.UInt32 or MatDataType.Single => 4,
        MatDataType.Double or MatDataType.Int64 or MatDataType.UInt64 => 8,
        _ => 0,
    };
}
