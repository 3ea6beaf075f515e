using System.CommandLine;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Superpixels;

namespace ClustSeg.Cli.Commands;

/// <summary>
/// `clustseg-cli export --checkpoint SP.safetensors --compactness E -o OUT.safetensors`: a trained superpixel model
/// that runs at the compactness chosen for it, so that `infer` and `eval` need no --compactness.
/// </summary>
internal static class ExportCommand
{
    private static readonly Option<string> Checkpoint = new("--checkpoint")
    {
        Description = "The trained superpixel model (the model.safetensors of a `train --task superpixel` run).",
        Required = true,
    };

    private static readonly Option<float> Compactness = new("--compactness")
    {
        Description = "eta, the weight of position against colour, that infer and eval use when given no --compactness. " +
                      "Choose it on the train split, not on the split you report.",
        Required = true,
    };

    private static readonly Option<string> OutputFile = new("--output", "-o")
    {
        Description = "The file to write (.safetensors); replaced atomically if it exists. It may be the input file.",
        Required = true,
    };

    public static Command Create()
    {
        var command = new Command("export",
            "Write a copy of a trained superpixel model that runs at the given compactness by default (metadata 'compactness').\n" +
            "Training records the eta it trained at; a model usually segments best at a somewhat higher one. Find it on the\n" +
            "train split, then export:\n" +
            "  clustseg-cli eval --data bsds500:../shared/data/bsds500 --split train --checkpoint run/model.safetensors --compactness 12\n" +
            "  clustseg-cli export --checkpoint run/model.safetensors --compactness 12 -o superpixels.safetensors");
        foreach (var option in new Option[] { Checkpoint, Compactness, OutputFile }) command.Options.Add(option);
        command.SetAction(parse => Run(parse, parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(ParseResult parse, TextWriter output)
    {
        var source = parse.GetValue(Checkpoint)!;
        var destination = parse.GetValue(OutputFile)!;
        var compactness = parse.GetValue(Compactness);
        if (!File.Exists(source))
            throw new ClustSegException($"The checkpoint '{source}' does not exist.", "Pass the model.safetensors of a `train --task superpixel` run.");
        if (!SuperpixelModel.IsValidCompactness(compactness))
            throw new ClustSegException($"--compactness {compactness} is not a finite number of at least 0.", "Pass the eta chosen with `eval --split train`, e.g. --compactness 12.");
        var directory = Path.GetDirectoryName(Path.GetFullPath(destination));
        if (directory is not null) Directory.CreateDirectory(directory);
        SuperpixelModel.WriteWithCompactness(source, destination, compactness);
        output.WriteLine($"wrote {destination}: the superpixel model of {source}, running at compactness {compactness} by default");
        return 0;
    }
}
