using System.CommandLine;
using System.Globalization;
using ClustSeg.Cli.Output;
using ClustSeg.Cli.Output.Plots;
using ClustSeg.Runtime.Data.Bsds;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Metrics.Superpixel;
using ClustSeg.Runtime.Superpixels;

namespace ClustSeg.Cli.Commands.Eval;

/// <summary>`eval --task superpixel`: runs the superpixel segmenter on BSDS500 and scores it.</summary>
internal static class SuperpixelEval
{
    private sealed record Row(int Requested, double Produced, double Asa, double Ue, double Br, double Co, double MillisecondsPerImage, int Images);

    /// <summary>Scores the untrained model, or the trained one in <paramref name="checkpoint"/> (a superpixel checkpoint).</summary>
    public static int Run(ParseResult parse, TextWriter output, TextWriter error, string? checkpoint = null)
    {
        if (checkpoint is not null && parse.GetResult(EvalCommand.Task) is { Implicit: false } && parse.GetValue(EvalCommand.Task) != "superpixel")
            throw new ClustSegException($"Checkpoint '{checkpoint}' holds a superpixel model, not a {parse.GetValue(EvalCommand.Task)} model.",
                "Leave out --task (or pass --task superpixel) with --data bsds500:PATH, or pass a semantic, instance or panoptic checkpoint.");
        var counts = ParseCounts(parse.GetValue(EvalCommand.Counts)!);
        var dataset = Bsds500Dataset.Open(EvalCommand.Need(parse, EvalCommand.Data, "superpixel", "bsds500:../shared/data/bsds500"));
        var split = parse.GetValue(EvalCommand.Split)!;
        var samples = dataset.ListSamples(split);
        var limit = parse.GetValue(EvalCommand.Limit);
        if (limit > 0) samples = samples.Take(limit).ToList();
        using var device = GlobalOptions.OpenDevice(parse);
        var model = checkpoint is null ? null : SuperpixelModel.Load(device, checkpoint);
        var rows = new List<Row>();
        var compactness = parse.GetValue(EvalCommand.Compactness) ?? model?.Compactness ?? new SuperpixelOptions().PositionScale;
        var segmenters = counts.Select(k => new SuperpixelSegmenter(device,
            new SuperpixelOptions { Superpixels = k, PositionScale = compactness, Smoothing = parse.GetValue(EvalCommand.Smoothing) }, model)).ToList();
        var aggregates = counts.Select(_ => new SuperpixelMetricsAggregator()).ToList();
        var milliseconds = new double[counts.Count];
        // Image by image, every K in turn: a trained model's CNN then runs once per image (its output does not depend on K).
        new ProgressBar("eval", samples.Count * counts.Count, error).Run(advance =>
        {
            foreach (var info in samples)
            {
                var sample = Bsds500Dataset.Load(info);
                for (var i = 0; i < counts.Count; i++)
                {
                    var result = segmenters[i].Segment(sample.Image);
                    milliseconds[i] += result.Elapsed.TotalMilliseconds;
                    aggregates[i].AddImage(result.Labels, sample.Segmentations);
                    advance($"K={counts[i]} {info.Id}");
                }
            }
        });
        for (var i = 0; i < counts.Count; i++)
        {
            var mean = aggregates[i].Mean;
            rows.Add(new Row(counts[i], mean.SuperpixelCount, mean.AchievableSegmentationAccuracy, mean.UndersegmentationError,
                mean.BoundaryRecall, mean.Compactness, milliseconds[i] / samples.Count, samples.Count));
        }

        output.WriteLine($"superpixels on {dataset.Root} [{split}], {samples.Count} images, device {device.Info.Name}, " +
                         (checkpoint is null ? "untrained model (Lab + xy)" : $"trained model {checkpoint}"));
        output.WriteLine("requested  actual K     ASA      UE      BR      CO   ms/image");
        foreach (var r in rows)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Requested,9} {r.Produced,9:0.0} {r.Asa,7:0.0000} {r.Ue,7:0.0000} {r.Br,7:0.0000} {r.Co,7:0.0000} {r.MillisecondsPerImage,10:0.0}"));
        EvalCommand.WriteJson(parse, new { task = "superpixel", split, device = device.Info.Name, checkpoint, results = rows },
            new System.Text.Json.JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase });
        if (parse.GetValue(EvalCommand.Plot) is { } plot)
        {
            var name = checkpoint is null ? "ClustSeg untrained (Lab + xy)" : $"ClustSeg trained ({Path.GetFileName(checkpoint)})";
            var method = new SuperpixelCurve(string.Create(CultureInfo.InvariantCulture, $"{name}, compactness {compactness}"),
                rows.Select(r => new SuperpixelCurvePoint(r.Produced, r.Asa, r.Br)).ToList());
            if (SuperpixelCurvePlot.Write(plot, [method], $"BSDS500 {split}, {samples.Count} images", error)) output.WriteLine($"wrote {plot}");
        }
        return 0;
    }

    private static List<int> ParseCounts(string text)
    {
        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1)
                throw new ClustSegException($"'{part}' in --superpixels is not a positive whole number.", "Write counts like 100,200,400.");
            counts.Add(k);
        }
        if (counts.Count == 0) throw new ClustSegException("--superpixels lists no counts.", "Write counts like 100,200,400.");
        return counts;
    }
}
