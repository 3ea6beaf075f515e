using System.CommandLine;
using ClustSeg.Cli.Commands.Train;
using ClustSeg.Cli.Output.Plots;
using ClustSeg.Runtime.Training;

namespace ClustSeg.Cli.Commands;

/// <summary>`clustseg-cli plot`: the loss-curve PNG of any training run, from its JSONL log, at any time (also mid-run).</summary>
internal static class PlotCommand
{
    private const string LogFileName = "train.jsonl";

    private static readonly Option<string> Log = new("--log", "-l")
    {
        Description = $"The run's {LogFileName}, or its run folder (then FOLDER/{LogFileName} is read).",
        Required = true,
    };

    private static readonly Option<string?> Out = new("--out", "-o")
    {
        Description = "PNG file to write (default: loss.png beside the log).",
    };

    public static Command Create()
    {
        var command = new Command("plot",
            "Plot a training run's loss curve as a PNG from its JSONL log (one JSON object per step, as\n" +
            "`clustseg-cli train` writes it). Works on a finished run and on one still training.\n" +
            "Shows the total loss and each loss term against the step, raw values faint with a smoothed\n" +
            "(exponential moving average) line over them, on a log scale when values span more than two\n" +
            "decades, the validation metric when the run validates (eval.jsonl beside the log, from\n" +
            "`train --eval-every`), and the learning rate in a small panel below.\n" +
            "Example: clustseg-cli plot --log runs/tiny/train.jsonl -o loss.png");
        command.Options.Add(Log);
        command.Options.Add(Out);
        command.SetAction(parse => Run(parse, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(ParseResult parse, TextWriter output, TextWriter error)
    {
        var log = parse.GetValue(Log)!;
        if (Directory.Exists(log)) log = Path.Combine(log, LogFileName);
        var outPath = parse.GetValue(Out) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(log)) ?? ".", "loss.png");
        var records = TrainingLogFormat.LatestHistory(TrainingLogFormat.Read(log, warning => error.WriteLine($"warning: {warning}")));
        if (!LossCurvePlot.Write(outPath, records, error, ValidationLog.CurveBeside(log))) return 0;
        var last = records[^1];
        output.WriteLine($"wrote {outPath}: {records.Count} logged steps, up to step {last.Step}");
        return 0;
    }
}
