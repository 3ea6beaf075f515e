using ScottPlot;

namespace ClustSeg.Cli.Output.Plots;

/// <summary>One point of a superpixel method's curve: the mean number of superpixels it actually produced, and its scores.</summary>
public sealed record SuperpixelCurvePoint(double ActualK, double Asa, double Br);

/// <summary>A superpixel method evaluated at several K, as one line on the plot.</summary>
public sealed record SuperpixelCurve(string Label, IReadOnlyList<SuperpixelCurvePoint> Points);

/// <summary>
/// `eval --task superpixel --plot`: ASA (left) and BR (right) against the mean actual number of superpixels, one line per
/// evaluated method plus the SLIC reference measured for issue 6, so methods are compared at the K they really made.
/// </summary>
public static class SuperpixelCurvePlot
{
    public const int Width = 1200;
    public const int Height = 520;

    /// <summary>SLIC (scikit-image, compactness 10) on the BSDS500 val split, from the table of issue 6.</summary>
    public static SuperpixelCurve SlicReference { get; } = new("SLIC (scikit-image, compactness 10), issue 6 table",
    [
        new(65, 0.8672, 0.5033),
        new(135, 0.9042, 0.5914),
        new(290, 0.9316, 0.6806),
        new(470, 0.9442, 0.7384),
        new(626, 0.9514, 0.7723),
        new(1054, 0.9609, 0.8335),
    ]);

    /// <summary>Writes the plot of <paramref name="methods"/> and the SLIC reference to <paramref name="path"/> (atomically).</summary>
    /// <returns>True when written; false when plotting is unavailable on this platform (one warning line was written).</returns>
    public static bool Write(string path, IReadOnlyList<SuperpixelCurve> methods, string title, TextWriter? warnings = null)
    {
        return PlotFile.TryWrite(path, Width, Height, canvas =>
        {
            var half = Width / 2;
            using var asa = BuildPanel(methods, p => p.Asa, "ASA (achievable segmentation accuracy)", title + ": ASA");
            using var br = BuildPanel(methods, p => p.Br, "BR (boundary recall)", title + ": BR");
            PlotLayout.Draw(canvas, asa, new PixelRect(0, half, Height, 0));
            PlotLayout.Draw(canvas, br, new PixelRect(half, Width, Height, 0));
        }, warnings ?? Console.Error);
    }

    private static Plot BuildPanel(IReadOnlyList<SuperpixelCurve> methods, Func<SuperpixelCurvePoint, double> score, string axisLabel, string title)
    {
        var plot = new Plot();
        PlotFonts.Apply(plot);
        for (var i = 0; i < methods.Count; i++)
            AddCurve(plot, methods[i], score, PlotLayout.SeriesColor(i), LinePattern.Solid, MarkerShape.FilledCircle);
        AddCurve(plot, SlicReference, score, Colors.Gray, LinePattern.Dashed, MarkerShape.OpenSquare);
        plot.Axes.Bottom.Label.Text = "superpixels actually produced (mean K)";
        plot.Axes.Left.Label.Text = axisLabel;
        plot.Title(title);
        plot.ShowLegend(Alignment.LowerRight);
        plot.Layout.Fixed(PlotLayout.PanelPadding(top: 45, bottom: 55));
        plot.Axes.AutoScale();
        return plot;
    }

    private static void AddCurve(Plot plot, SuperpixelCurve curve, Func<SuperpixelCurvePoint, double> score, Color color, LinePattern pattern, MarkerShape marker)
    {
        var points = curve.Points.Where(p => double.IsFinite(p.ActualK) && double.IsFinite(score(p))).OrderBy(p => p.ActualK).ToList();
        if (points.Count == 0) return;
        var scatter = plot.Add.Scatter(points.Select(p => p.ActualK).ToArray(), points.Select(score).ToArray(), color);
        scatter.LineWidth = 2;
        scatter.LinePattern = pattern;
        scatter.MarkerShape = marker;
        scatter.MarkerSize = 8;
        scatter.LegendText = curve.Label;
    }
}
