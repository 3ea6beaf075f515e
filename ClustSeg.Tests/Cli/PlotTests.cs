using ClustSeg.Cli.Output.Plots;
using ClustSeg.Runtime.Training;

namespace ClustSeg.Tests.Cli;

public sealed class PlotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-plot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A run whose loss falls over three decades with noise, under warm-up then linear decay.</summary>
    internal static List<TrainingLogRecord> SyntheticRun(int steps)
    {
        var random = new Random(7);
        var records = new List<TrainingLogRecord>();
        for (var step = 1; step <= steps; step++)
        {
            var trend = 5 * Math.Exp(-7.0 * step / steps);
            double Noisy(double v) => v * Math.Exp(0.3 * (random.NextDouble() - 0.5));
            var terms = new Dictionary<string, double> { ["mask_bce"] = Noisy(trend * 0.3), ["dice"] = Noisy(0.5 + trend * 0.1), ["cls_ce"] = Noisy(trend) };
            var lr = step < steps / 10 ? 1e-3 * step / (steps / 10.0) : 1e-3 * (1 - (double)step / (steps + 1));
            records.Add(new TrainingLogRecord(step, step / 50.0, lr, terms.Values.Sum(), terms, 2.0, 8.0, step * 0.1,
                new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.Zero).AddSeconds(step)));
        }
        return records;
    }

    [Fact]
    public void TheLossCurveIsAPngOfTheExpectedSizeWithCurvesAndText()
    {
        var path = Path.Combine(_dir, "loss.png");
        var warnings = new StringWriter();
        Assert.True(LossCurvePlot.Write(path, SyntheticRun(400), warnings), warnings.ToString());
        Assert.Empty(warnings.ToString());
        Assert.False(File.Exists(path + ".tmp"));

        var image = new PlotImageChecks(path);
        Assert.Equal((LossCurvePlot.Width, LossCurvePlot.Height), (image.Width, image.Height));
        // Loss panel's data area: the terms' coloured curves and the black total are drawn there.
        Assert.True(image.ColouredPixels(100, 60, 960, 480) > 2000, "too few coloured pixels in the loss panel");
        Assert.True(image.DarkPixels(100, 60, 960, 480) > 500, "the total loss (black) is missing");
        // Learning-rate panel below it: one coloured line.
        Assert.True(image.ColouredPixels(100, 545, 960, 650) > 300, "the learning-rate curve is missing");
        // The title band holds text: with no usable font it would be blank white.
        Assert.True(image.DarkPixels(100, 0, 900, 40) > 200, "the title text was not drawn");
    }

    [Fact]
    public void ARunThatValidatesGetsAValidationPanelBetweenLossAndLearningRate()
    {
        var path = Path.Combine(_dir, "validated.png");
        var validation = new ValidationCurve("PQ", [(100, 0.41), (200, 0.58), (300, 0.55), (400, 0.63)]);
        Assert.True(LossCurvePlot.Write(path, SyntheticRun(400), new StringWriter(), validation));

        var image = new PlotImageChecks(path);
        Assert.Equal((LossCurvePlot.Width, LossCurvePlot.HeightWithValidation), (image.Width, image.Height));
        // The validation panel: its title, and its coloured line with markers.
        Assert.True(image.DarkPixels(100, 532, 900, 570) > 200, "the validation title is missing");
        Assert.True(image.ColouredPixels(100, 575, 960, 690) > 200, "the validation curve is missing");
        // The learning rate moved below it.
        Assert.True(image.ColouredPixels(100, 725, 960, 830) > 300, "the learning-rate curve is missing");
    }

    [Fact]
    public void AShortLogWithAFlatLossStillPlots()
    {
        var path = Path.Combine(_dir, "flat.png");
        var records = SyntheticRun(1).Select(r => r with { Loss = 1, Losses = new Dictionary<string, double>() }).ToList();
        Assert.True(LossCurvePlot.Write(path, records, new StringWriter()));
        Assert.Equal(LossCurvePlot.Width, new PlotImageChecks(path).Width);
    }

    [Fact]
    public void TheSuperpixelPlotShowsTheMethodAndTheSlicReferenceInBothPanels()
    {
        var path = Path.Combine(_dir, "sp.png");
        var method = new SuperpixelCurve("this model", [new(110, 0.89, 0.62), new(590, 0.945, 0.79), new(1180, 0.96, 0.86)]);
        Assert.True(SuperpixelCurvePlot.Write(path, [method], "test", new StringWriter()));
        var image = new PlotImageChecks(path);
        Assert.Equal((SuperpixelCurvePlot.Width, SuperpixelCurvePlot.Height), (image.Width, image.Height));
        var half = SuperpixelCurvePlot.Width / 2;
        Assert.True(image.ColouredPixels(90, 50, half - 30, 460) > 400, "ASA panel has no coloured curve");
        Assert.True(image.ColouredPixels(half + 90, 50, SuperpixelCurvePlot.Width - 30, 460) > 400, "BR panel has no coloured curve");
    }

    [Fact]
    public void TheSlicReferenceIsIssueSixsTable()
    {
        var points = SuperpixelCurvePlot.SlicReference.Points;
        Assert.Equal([65.0, 135, 290, 470, 626, 1054], points.Select(p => p.ActualK));
        Assert.Equal([0.8672, 0.9042, 0.9316, 0.9442, 0.9514, 0.9609], points.Select(p => p.Asa));
        Assert.Equal([0.5033, 0.5914, 0.6806, 0.7384, 0.7723, 0.8335], points.Select(p => p.Br));
    }

    [Fact]
    public void WhenSkiaCannotLoadThePlotIsSkippedWithOneWarningLine()
    {
        var path = Path.Combine(_dir, "never.png");
        var warnings = new StringWriter();
        var written = PlotFile.TryWrite(path, 10, 10, _ => throw new TypeInitializationException("SkiaSharp.SKObject",
            new DllNotFoundException("libSkiaSharp.so: cannot open shared object file")), warnings);
        Assert.False(written);
        Assert.False(File.Exists(path));
        var lines = warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("warning: plot", line);
        Assert.Contains("libSkiaSharp.so", line);
    }

    [Fact]
    public void TheMovingAverageIsBiasCorrectedAndSkipsNonFiniteValues()
    {
        // decay 0.5: s1 = 0.5*1 / 0.5 = 1; s2 = (0.25 + 1.5) / 0.75 = 7/3; NaN keeps 7/3; s4 = (0.875 + 0.5*4)/(0.875) ...
        var smoothed = ExponentialMovingAverage.Smooth([1, 3, double.NaN, 4], 0.5);
        Assert.Equal(1, smoothed[0], 12);
        Assert.Equal(7.0 / 3, smoothed[1], 12);
        Assert.Equal(7.0 / 3, smoothed[2], 12);
        Assert.Equal((0.5 * 1.75 + 0.5 * 4) / (0.5 * 0.75 + 0.5), smoothed[3], 12);
    }

    [Fact]
    public void TheRuntimeLibraryDoesNotDependOnPlotting()
    {
        var references = typeof(TrainingLogFormat).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.DoesNotContain(references, name => name.StartsWith("ScottPlot", StringComparison.Ordinal) || name.StartsWith("SkiaSharp", StringComparison.Ordinal));
    }

    [Fact]
    public void PlotTextUsesTheEmbeddedFontSubsetNotWhateverTheSystemHas()
    {
        // Writing a plot registers the embedded font; a bare Debian has no system fonts to fall back on.
        Assert.True(LossCurvePlot.Write(Path.Combine(_dir, "font.png"), SyntheticRun(3), new StringWriter()));
        // Not disposed: ScottPlot may cache the typefaces it hands out.
        var typeface = ScottPlot.Fonts.GetTypeface("ClustSeg Plot Sans", bold: false, italic: false);
        Assert.Equal("DejaVu Sans", typeface.FamilyName);
        // The subset has a few hundred glyphs; the full system font has thousands.
        Assert.InRange(typeface.GlyphCount, 150, 1000);
        Assert.All(typeface.GetGlyphs("Loss 0.123 ASA, BR"), glyph => Assert.NotEqual(0, glyph));
    }
}
