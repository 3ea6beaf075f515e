namespace ClustSeg.Runtime.Ops;

/// <summary>
/// The superpixel seed grid: gh x gw cells over an H x W image, gh = round(sqrt(K H / W)), gw = round(sqrt(K W / H))
/// (halves round up), at least one cell each way and at most one pixel per cell.
/// </summary>
/// <param name="Rows">gh.</param>
/// <param name="Cols">gw.</param>
public readonly record struct SuperpixelGrid(int Rows, int Cols)
{
    /// <summary>Number of cells, i.e. of seeds.</summary>
    public int Cells => Rows * Cols;

    /// <summary>The grid for about <paramref name="superpixels"/> cells on an <paramref name="height"/> x <paramref name="width"/> image.</summary>
    public static SuperpixelGrid For(int superpixels, int height, int width)
    {
        if (superpixels < 1) throw new ArgumentOutOfRangeException(nameof(superpixels), superpixels, "The number of superpixels must be at least 1.");
        var rows = (int)Math.Floor(Math.Sqrt(superpixels * (double)height / width) + 0.5);
        var cols = (int)Math.Floor(Math.Sqrt(superpixels * (double)width / height) + 0.5);
        return new SuperpixelGrid(Math.Clamp(rows, 1, height), Math.Clamp(cols, 1, width));
    }

    /// <summary>Home cell row of image row <paramref name="y"/> (columns likewise): floor(y * gh / H).</summary>
    public static int HomeCell(int y, int size, int cells) => (int)((long)y * cells / size);
}
