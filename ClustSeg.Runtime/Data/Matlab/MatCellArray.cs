namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>A MATLAB cell array; each cell holds another array.</summary>
public sealed class MatCellArray : MatArray
{
    internal MatCellArray(string name, int[] dimensions, MatArray[] cells)
        : base(name, dimensions, MatClass.Cell)
    {
        Cells = cells;
    }

    /// <summary>The cells in column-major order (for a 1xK cell, simply cell 1 .. K).</summary>
    public IReadOnlyList<MatArray> Cells { get; }
}
