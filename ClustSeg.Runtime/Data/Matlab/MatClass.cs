namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>MATLAB array classes as numbered in the MAT v5 array-flags subelement.</summary>
public enum MatClass
{
    /// <summary>Cell array (mxCELL_CLASS).</summary>
    Cell = 1,
    /// <summary>Structure array (mxSTRUCT_CLASS).</summary>
    Struct = 2,
    /// <summary>Object (mxOBJECT_CLASS); not supported by this reader.</summary>
    Object = 3,
    /// <summary>Character array (mxCHAR_CLASS).</summary>
    Char = 4,
    /// <summary>Sparse array (mxSPARSE_CLASS); not supported by this reader.</summary>
    Sparse = 5,
    /// <summary>Double precision.</summary>
    Double = 6,
    /// <summary>Single precision.</summary>
    Single = 7,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 8,
    /// <summary>Unsigned 8-bit integer (also logical arrays).</summary>
    UInt8 = 9,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 10,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 11,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 12,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 13,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 14,
    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 15,
    /// <summary>Function handle; not supported by this reader.</summary>
    Function = 16,
    /// <summary>Opaque class instance (e.g. string, table); not supported by this reader.</summary>
    Opaque = 17,
}
