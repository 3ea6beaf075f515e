namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>A MATLAB character array.</summary>
public sealed class MatCharArray : MatArray
{
    internal MatCharArray(string name, int[] dimensions, string[] rows)
        : base(name, dimensions, MatClass.Char)
    {
        Rows = rows;
    }

    /// <summary>One string per row (dimensions past the second are folded into the columns).</summary>
    public IReadOnlyList<string> Rows { get; }

    /// <summary>The text of a one-row character array; rows joined by newlines otherwise.</summary>
    public string Text => string.Join("\n", Rows);
}
