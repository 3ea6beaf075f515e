using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ClustSeg.Cli.Output;
using ClustSeg.Runtime.Data.Bsds;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Metrics.Superpixel;
using ClustSeg.Runtime.Superpixels;

namespace ClustSeg.Cli.Commands;

/// <summary>`clustseg-cli eval`: scores a model on a dataset with the task's standard metrics.</summary>
internal static class EvalCommand
{
    private static readonly Option<string> Task = new("--task", "-t")
    {
        Description = "Task to evaluate. superpixel: ASA, UE, BR, CO and K on BSDS500, averaged over every annotator of every image.",
        DefaultValueFactory = _ => "superpixel",
    };

    private static readonly Option<string> Data = new("--data")
    {
        Description = "Dataset as FORMAT:PATH, e.g. bsds500:../shared/data/bsds500.",
        Required = true,
    };

    private static readonly Option<string> Split = new("--split") { Description = "Dataset split.", DefaultValueFactory = _ => "val" };

    private static readonly Option<string> Counts = new("--superpixels", "-k")
    {
        Description = "Comma-separated superpixel counts to evaluate.",
        DefaultValueFactory = _ => "100,200,400,600,800,1200",
    };

    private static readonly Option<int> Limit = new("--limit") { Description = "Evaluate only the first N images (quick checks)." };
    private static readonly Option<float> Compactness = new("--compactness")
    {
        Description = "eta: weight of position against colour (larger is more compact).",
        DefaultValueFactory = _ => new SuperpixelOptions().PositionScale,
    };

    private static readonly Option<float> Smoothing = new("--smoothing")
    {
        Description = "Gaussian sigma (pixels) applied to the colour features before clustering (0: none).",
        DefaultValueFactory = _ => new SuperpixelOptions().Smoothing,
    };

    private static readonly Option<string?> Json = new("--json") { Description = "Write the results as JSON to this file." };

    public static Command Create()
    {
        Task.AcceptOnlyFromAmong("superpixel");
        var command = new Command("eval",
            "Evaluate on a dataset.\n" +
            "superpixel: for each requested K, the mean number of superpixels produced, ASA, UE, BR (tolerance\n" +
            "round(0.0025 x diagonal)) and CO, averaged over every annotator of every image, and the time per image.\n" +
            "Example: clustseg-cli eval --data bsds500:../shared/data/bsds500 --split val -k 200,600 --json sp.json");
        command.Options.Add(Task);
        command.Options.Add(Data);
        command.Options.Add(Split);
        command.Options.Add(Counts);
        command.Options.Add(Limit);
        command.Options.Add(Compactness);
        command.Options.Add(Smoothing);
        command.Options.Add(Json);
        command.SetAction(parse => Run(parse, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private sealed record Row(int Requested, double Produced, double Asa, double Ue, double Br, double Co, double MillisecondsPerImage, int Images);

    private static int Run(ParseResult parse, TextWriter output, TextWriter error)
    {
        var counts = ParseCounts(parse.GetValue(Counts)!);
        var dataset = Bsds500Dataset.Open(parse.GetValue(Data)!);
        var samples = dataset.ListSamples(parse.GetValue(Split)!);
        var limit = parse.GetValue(Limit);
        if (limit > 0) samples = samples.Take(limit).ToList();
        using var device = GlobalOptions.OpenDevice(parse);
        var rows = new List<Row>();
        var loaded = new Dictionary<string, Bsds500Sample>();
        new ProgressBar("eval", samples.Count * counts.Count, error).Run(advance =>
        {
            foreach (var k in counts)
            {
                var segmenter = new SuperpixelSegmenter(device, new SuperpixelOptions { Superpixels = k, PositionScale = parse.GetValue(Compactness), Smoothing = parse.GetValue(Smoothing) });
                var aggregate = new SuperpixelMetricsAggregator();
                double milliseconds = 0;
                foreach (var info in samples)
                {
                    if (!loaded.TryGetValue(info.Id, out var sample)) loaded[info.Id] = sample = Bsds500Dataset.Load(info);
                    var result = segmenter.Segment(sample.Image);
                    milliseconds += result.Elapsed.TotalMilliseconds;
                    aggregate.AddImage(result.Labels, sample.Segmentations);
                    advance($"K={k} {info.Id}");
                }
                var mean = aggregate.Mean;
                rows.Add(new Row(k, mean.SuperpixelCount, mean.AchievableSegmentationAccuracy, mean.UndersegmentationError,
                    mean.BoundaryRecall, mean.Compactness, milliseconds / samples.Count, samples.Count));
            }
        });

        output.WriteLine($"superpixels on {dataset.Root} [{parse.GetValue(Split)}], {samples.Count} images, device {device.Info.Name}");
        output.WriteLine("requested  actual K     ASA      UE      BR      CO   ms/image");
        foreach (var r in rows)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Requested,9} {r.Produced,9:0.0} {r.Asa,7:0.0000} {r.Ue,7:0.0000} {r.Br,7:0.0000} {r.Co,7:0.0000} {r.MillisecondsPerImage,10:0.0}"));
        if (parse.GetValue(Json) is { } jsonPath)
        {
            var json = JsonSerializer.Serialize(new { task = "superpixel", split = parse.GetValue(Split), device = device.Info.Name, results = rows },
                new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
            SuperpixelOutputs.WriteAtomically(jsonPath, s => s.Write(System.Text.Encoding.UTF8.GetBytes(json)));
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
