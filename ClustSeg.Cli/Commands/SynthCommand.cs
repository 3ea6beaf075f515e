using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ClustSeg.Cli.Output;
using ClustSeg.Runtime.Data.Synthetic;
using ClustSeg.Runtime.Errors;

namespace ClustSeg.Cli.Commands;

/// <summary>`clustseg-cli synth`: writes a generated dataset in COCO panoptic, COCO instances and semantic formats.</summary>
internal static class SynthCommand
{
    private static readonly Option<string> Out = new("--out", "-o") { Description = "Output folder (created if needed).", Required = true };
    private static readonly Option<int> Images = new("--images", "-n") { Description = "Number of images over both splits.", Required = true };
    private static readonly Option<int> Size = new("--size") { Description = "Width and height of every image.", DefaultValueFactory = _ => 128 };
    private static readonly Option<ulong> Seed = new("--seed") { Description = "Random seed; the same seed gives byte-identical files.", DefaultValueFactory = _ => 0UL };
    private static readonly Option<double> ValFraction = new("--val-fraction") { Description = "Share of images in the val split.", DefaultValueFactory = _ => 0.1 };

    public static Command Create()
    {
        var command = new Command("synth",
            "Generate a dataset of textured shapes (things: " + string.Join(", ", SyntheticClasses.All.Where(c => c.IsThing).Select(c => c.Name)) +
            ") over textured regions (stuff: " + string.Join(", ", SyntheticClasses.All.Where(c => !c.IsThing).Select(c => c.Name)) + "),\n" +
            "written as COCO panoptic (SPLIT/panoptic.json + SPLIT/panoptic/), COCO instances (SPLIT/instances.json) and\n" +
            "semantic label PNGs (SPLIT/semantic/ with classes.txt), images in SPLIT/images/, splits train and val.\n" +
            "Example: clustseg-cli synth --out synth --images 2000 --size 128 --seed 1");
        command.Options.Add(Out);
        command.Options.Add(Images);
        command.Options.Add(Size);
        command.Options.Add(Seed);
        command.Options.Add(ValFraction);
        command.SetAction(parse => Run(parse, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(ParseResult parse, TextWriter output, TextWriter error)
    {
        var options = new SyntheticDatasetOptions(parse.GetValue(Images), parse.GetValue(Size), parse.GetValue(Seed), parse.GetValue(ValFraction));
        if (options.Images < 1) throw new ClustSegException($"--images {options.Images} is not a positive count.", "Ask for at least one image, e.g. --images 2000.");
        if (options.Size is < 16 or > 4096) throw new ClustSegException($"--size {options.Size} is outside 16..4096.", "Use e.g. --size 128.");
        if (options.ValFraction is < 0 or >= 1) throw new ClustSegException($"--val-fraction {options.ValFraction} is outside [0, 1).", "Use e.g. --val-fraction 0.1.");
        var root = parse.GetValue(Out)!;
        var clock = Stopwatch.StartNew();
        SyntheticDatasetSummary summary = null!;
        var gate = new object();
        new ProgressBar("synth", options.Images, error).Run(advance =>
        {
            try
            {
                summary = SyntheticDataset.Generate(root, options, (done, _) =>
                {
                    lock (gate) advance($"{done} images");
                });
            }
            catch (ArgumentException e)
            {
                throw new ClustSegException(e.Message, "Pass --out with a new or empty folder, or one that synth wrote before.");
            }
        });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {summary.TrainImages} train + {summary.ValImages} val images ({options.Size}x{options.Size}, {summary.ThingSegments} things, seed {options.Seed}) to {Path.GetFullPath(root)} in {clock.Elapsed.TotalSeconds:0.0} s"));
        output.WriteLine($"  data: coco-panoptic:{Path.Combine(root, "train", "panoptic.json")}  (or coco-instances:{Path.Combine(root, "train", "instances.json")}, semantic:{Path.Combine(root, "train")}, synth:{root})");
        return 0;
    }
}
