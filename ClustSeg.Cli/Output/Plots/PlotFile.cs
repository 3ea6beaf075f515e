using ClustSeg.Runtime.Data;
using SkiaSharp;

namespace ClustSeg.Cli.Output.Plots;

/// <summary>
/// Renders a picture with Skia and writes it as PNG through a temporary file and a rename, so a reader never sees half
/// a plot. Plots are a by-product: where Skia's native library cannot load on this platform the plot is skipped with
/// one warning line instead of failing the command whose results it illustrates.
/// </summary>
public static class PlotFile
{
    // ScottPlot keeps process-wide font state and caches; one render at a time keeps concurrent callers (parallel
    // tests, a plot written from a background thread) from racing on it. Plots are small and rare.
    private static readonly object RenderGate = new();

    /// <summary>Draws onto a <paramref name="width"/> x <paramref name="height"/> canvas and writes the PNG.</summary>
    /// <returns>True when the file was written; false when plotting is unavailable here (the warning was written).</returns>
    public static bool TryWrite(string path, int width, int height, Action<SKCanvas> draw, TextWriter warnings)
    {
        byte[] png;
        try
        {
            lock (RenderGate) png = Render(width, height, draw);
        }
        catch (Exception e) when (IsNativeLoadFailure(e))
        {
            warnings.WriteLine($"warning: plot '{path}' skipped: the SkiaSharp native library could not be loaded on this platform " +
                               $"({Innermost(e).Message}); everything else was written as usual.");
            return false;
        }
        AtomicFile.Write(path, stream => stream.Write(png));
        return true;
    }

    private static byte[] Render(int width, int height, Action<SKCanvas> draw)
    {
        PlotFonts.Register();
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
                            ?? throw new InvalidOperationException($"Skia could not create a {width}x{height} drawing surface.");
        surface.Canvas.Clear(SKColors.White);
        draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static bool IsNativeLoadFailure(Exception e) =>
        Innermost(e) is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException;

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
