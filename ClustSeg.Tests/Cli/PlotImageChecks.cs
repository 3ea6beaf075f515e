using ClustSeg.Runtime.Imaging.Png;

namespace ClustSeg.Tests.Cli;

/// <summary>Reads a written plot back with the project's own PNG decoder and counts kinds of pixels in a region.</summary>
internal sealed class PlotImageChecks
{
    private readonly PngImage _image;

    public PlotImageChecks(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        _image = PngDecoder.Decode(path);
    }

    public int Width => _image.Width;
    public int Height => _image.Height;

    /// <summary>Pixels in [x0, x1) x [y0, y1) that are clearly coloured (channels differ by more than 60 of 255).</summary>
    public int ColouredPixels(int x0, int y0, int x1, int y1) => Count(x0, y0, x1, y1, (r, g, b) => Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) > 60);

    /// <summary>Pixels in the region darker than mid grey (text, axis lines, a black curve).</summary>
    public int DarkPixels(int x0, int y0, int x1, int y1) => Count(x0, y0, x1, y1, (r, g, b) => r + g + b < 3 * 110);

    private int Count(int x0, int y0, int x1, int y1, Func<int, int, int, bool> predicate)
    {
        var scale = _image.BitDepth == 16 ? 257 : 1;
        var count = 0;
        for (var y = y0; y < y1; y++)
        for (var x = x0; x < x1; x++)
        {
            int r = _image.GetSample(x, y, 0) / scale, g, b;
            if (_image.Channels >= 3) (g, b) = (_image.GetSample(x, y, 1) / scale, _image.GetSample(x, y, 2) / scale);
            else (g, b) = (r, r);
            if (predicate(r, g, b)) count++;
        }
        return count;
    }
}
