using ScottPlot;
using SkiaSharp;

namespace ClustSeg.Cli.Output.Plots;

/// <summary>Shared drawing helpers: panels placed on one canvas, log-scale axes, the series palette.</summary>
internal static class PlotLayout
{
    /// <summary>Margins that keep stacked or side-by-side panels' data areas aligned with each other.</summary>
    public static PixelPadding PanelPadding(float top, float bottom) => new(left: 80, right: 20, bottom: bottom, top: top);

    /// <summary>Colours for successive series; the first is kept for the total or main series.</summary>
    public static Color SeriesColor(int index) => new ScottPlot.Palettes.Category10().GetColor(index);

    /// <summary>Renders <paramref name="plot"/> into the part of the canvas given by <paramref name="rect"/>.</summary>
    public static void Draw(SKCanvas canvas, Plot plot, PixelRect rect)
    {
        // Each panel gets a surface of its own: ScottPlot clears the whole canvas it renders on, which would erase the
        // panels drawn before it.
        var (width, height) = ((int)rect.Width, (int)rect.Height);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
                            ?? throw new InvalidOperationException($"Skia could not create a {width}x{height} drawing surface.");
        plot.Render(surface.Canvas, width, height);
        using var image = surface.Snapshot();
        canvas.DrawImage(image, rect.Left, rect.Top);
    }

    /// <summary>
    /// Labels the left axis of a plot whose y values are log10 of the data: major ticks at whole decades, labelled with
    /// the value itself, and minor ticks between them.
    /// </summary>
    public static void UseLogScaleY(Plot plot)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = exponent => Math.Pow(10, exponent).ToString("g3", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>True when the positive finite values span more than <paramref name="decades"/> powers of ten.</summary>
    public static bool SpansDecades(IEnumerable<double> values, double decades)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v) || v <= 0) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return max > min && Math.Log10(max / min) > decades;
    }
}
