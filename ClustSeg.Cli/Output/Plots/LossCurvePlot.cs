using System.Globalization;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Training;
using ScottPlot;

namespace ClustSeg.Cli.Output.Plots;

/// <summary>The validations of a run (`train --eval-every`), for the loss-curve plot.</summary>
/// <param name="Metric">The headline metric's name (PQ, AP, mIoU).</param>
/// <param name="Points">Step and value (a fraction) of each validation, in step order.</param>
public sealed record ValidationCurve(string Metric, IReadOnlyList<(int Step, double Value)> Points);

/// <summary>
/// The loss-curve PNG of a training run: the total loss and every loss term against the step, raw values faint with an
/// exponential moving average drawn over them (log scale when the values span more than two decades), below it the
/// validation metric where the run validates, and a small panel with the learning rate schedule. The titles give the
/// final smoothed loss and the latest and best validation.
/// </summary>
public static class LossCurvePlot
{
    public const int Width = 1000;
    public const int Height = 720;

    /// <summary>The height with a validation panel, which goes between the other two.</summary>
    public const int HeightWithValidation = Height + ValidationPanelHeight;

    private const int ValidationPanelHeight = 180;
    private const float LossPanelFraction = 0.74f;
    private const double LogScaleDecades = 2;
    private const int FewPoints = 30;

    /// <summary>
    /// Writes the plot of <paramref name="records"/> to <paramref name="path"/> (atomically). Records in file order are
    /// fine: steps a resumed run logged twice are shown with their latest values (<see cref="TrainingLogFormat.LatestHistory"/>).
    /// </summary>
    /// <returns>True when written; false when plotting is unavailable on this platform (one warning line was written).</returns>
    public static bool Write(string path, IReadOnlyList<TrainingLogRecord> records, TextWriter? warnings = null, ValidationCurve? validation = null)
    {
        if (records.Count == 0)
            throw new ClustSegException("The training log has no steps yet, so there is no loss curve to plot.",
                "Plot again once the run has logged its first step.");
        records = TrainingLogFormat.LatestHistory(records);
        var withValidation = validation is { Points.Count: > 0 };
        var height = withValidation ? HeightWithValidation : Height;
        return PlotFile.TryWrite(path, Width, height, canvas =>
        {
            var split = (int)(Height * LossPanelFraction);
            using var losses = BuildLossPanel(records);
            using var learningRate = BuildLearningRatePanel(records);
            learningRate.Axes.SetLimitsX(losses.Axes.Bottom.Min, losses.Axes.Bottom.Max);
            PlotLayout.Draw(canvas, losses, new PixelRect(0, Width, split, 0));
            if (withValidation)
            {
                var bottom = split + ValidationPanelHeight;
                using var scores = BuildValidationPanel(validation!);
                scores.Axes.SetLimitsX(losses.Axes.Bottom.Min, losses.Axes.Bottom.Max);
                PlotLayout.Draw(canvas, scores, new PixelRect(0, Width, bottom, split));
                split = bottom;
            }
            PlotLayout.Draw(canvas, learningRate, new PixelRect(0, Width, height, split));
        }, warnings ?? Console.Error);
    }

    private static Plot BuildValidationPanel(ValidationCurve validation)
    {
        var plot = new Plot();
        PlotFonts.Apply(plot);
        var steps = validation.Points.Select(p => (double)p.Step).ToArray();
        var values = validation.Points.Select(p => 100 * p.Value).ToArray();
        var line = plot.Add.Scatter(steps, values, PlotLayout.SeriesColor(2));
        line.LineWidth = 2;
        line.MarkerSize = 6;
        var best = validation.Points.MaxBy(p => p.Value);
        var latest = validation.Points[^1];
        plot.Axes.Left.Label.Text = "val " + validation.Metric;
        plot.Axes.Bottom.Label.Text = "";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"Validation {validation.Metric}: {100 * latest.Value:0.00} at step {latest.Step}, best {100 * best.Value:0.00} at step {best.Step}"));
        plot.Layout.Fixed(PlotLayout.PanelPadding(top: 40, bottom: 20));
        plot.Axes.AutoScale();
        return plot;
    }

    private static Plot BuildLossPanel(IReadOnlyList<TrainingLogRecord> records)
    {
        var plot = new Plot();
        PlotFonts.Apply(plot);
        var steps = records.Select(r => (double)r.Step).ToArray();
        var series = new List<(string Name, double[] Values)> { ("loss (total)", records.Select(r => r.Loss).ToArray()) };
        var termNames = records.SelectMany(r => r.Losses.Keys).Distinct(StringComparer.Ordinal).ToList();
        foreach (var term in termNames)
            series.Add((term, records.Select(r => r.Losses.TryGetValue(term, out var v) ? v : double.NaN).ToArray()));

        var logScale = PlotLayout.SpansDecades(series.SelectMany(s => s.Values), LogScaleDecades);
        var decay = ExponentialMovingAverage.DecayFor(records.Count);
        double finalSmoothedTotal = double.NaN;
        for (var i = 0; i < series.Count; i++)
        {
            var (name, values) = series[i];
            var color = i == 0 ? Colors.Black : PlotLayout.SeriesColor(i - 1);
            var smoothed = ExponentialMovingAverage.Smooth(values, decay);
            if (i == 0) finalSmoothedTotal = smoothed[^1];
            AddLine(plot, steps, values, logScale, color.WithAlpha(0.22), 1, legend: null);
            AddLine(plot, steps, smoothed, logScale, color, i == 0 ? 2.5f : 1.8f, legend: name);
        }

        if (logScale) PlotLayout.UseLogScaleY(plot);
        plot.Axes.Left.Label.Text = logScale ? "loss (log scale)" : "loss";
        plot.Axes.Bottom.Label.Text = "";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        var last = records[^1];
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"Training loss: {finalSmoothedTotal:g4} (smoothed) at step {last.Step}, epoch {last.Epoch:0.##}"));
        plot.ShowLegend(Alignment.UpperRight);
        plot.Layout.Fixed(PlotLayout.PanelPadding(top: 45, bottom: 30));
        plot.Axes.AutoScale();
        return plot;
    }

    private static Plot BuildLearningRatePanel(IReadOnlyList<TrainingLogRecord> records)
    {
        var plot = new Plot();
        PlotFonts.Apply(plot);
        var steps = records.Select(r => (double)r.Step).ToArray();
        var rates = records.Select(r => r.LearningRate).ToArray();
        AddLine(plot, steps, rates, logScale: false, PlotLayout.SeriesColor(3), 1.8f, legend: null);
        plot.Axes.Left.Label.Text = "learning rate";
        plot.Axes.Bottom.Label.Text = "step";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => v == 0 ? "0" : v.ToString("0.##E+0", CultureInfo.InvariantCulture),
            TargetTickCount = 3,
        };
        plot.Layout.Fixed(PlotLayout.PanelPadding(top: 8, bottom: 55));
        plot.Axes.AutoScale();
        // From zero up: schedules start, end or stay there, and a constant rate would otherwise be autoscaled around itself.
        var highest = rates.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        plot.Axes.SetLimitsY(0, highest > 0 ? highest * 1.12 : 1);
        return plot;
    }

    /// <summary>Adds one line, leaving out points that cannot be drawn (non-finite, or not positive on a log axis).</summary>
    private static void AddLine(Plot plot, double[] steps, IReadOnlyList<double> values, bool logScale, Color color, float width, string? legend)
    {
        var xs = new List<double>(steps.Length);
        var ys = new List<double>(steps.Length);
        for (var i = 0; i < steps.Length; i++)
        {
            var v = values[i];
            if (!double.IsFinite(v) || (logScale && v <= 0)) continue;
            xs.Add(steps[i]);
            ys.Add(logScale ? Math.Log10(v) : v);
        }
        if (xs.Count == 0) return;
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
        line.LineWidth = width;
        // Markers only where a line alone would hide the data (one point draws no line at all).
        line.MarkerSize = xs.Count <= FewPoints ? width * 2.5f : 0;
        if (legend is not null) line.LegendText = legend;
    }
}
