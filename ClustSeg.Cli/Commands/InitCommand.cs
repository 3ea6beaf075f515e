using System.CommandLine;
using ClustSeg.Runtime.Errors;

namespace ClustSeg.Cli.Commands;

/// <summary>`clustseg-cli init`: writes a randomly initialised ClustSeg checkpoint.</summary>
internal static class InitCommand
{
    private static readonly Option<string> Model = ModelOptions.Model();
    private static readonly Option<string> Task = ModelOptions.Task();
    private static readonly Option<int> Classes = ModelOptions.Classes();
    private static readonly Option<int> Things = ModelOptions.Things();

    private static readonly Option<int> Seed = new("--seed", "-s")
    {
        Description = "Random seed; the same seed gives the same weights.",
        DefaultValueFactory = _ => 0,
    };

    private static readonly Option<string?> ClassNames = new("--class-names")
    {
        Description = "A text file with one class name per line, things first (default: class_0, class_1, ...).",
    };

    private static readonly Option<string> OutputFile = new("--output", "-o")
    {
        Description = "The checkpoint to write (.safetensors); replaced atomically if it exists.",
        Required = true,
    };

    public static Command Create()
    {
        var command = new Command("init",
            "Write a randomly initialised ClustSeg checkpoint (PyTorch's default initialisation, memory bank at zero),\n" +
            "with metadata: model, task, class_names, thing_ids, spec_sha256.\n" +
            "Example: clustseg-cli init --model clustseg-tiny --task panoptic --classes 133 --things 80 --seed 1 -o tiny.safetensors");
        foreach (var option in new Option[] { Model, Task, Classes, Things, Seed, ClassNames, OutputFile }) command.Options.Add(option);
        command.SetAction(parse => Run(parse, parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(ParseResult parse, TextWriter output)
    {
        var namesFile = parse.GetValue(ClassNames);
        IReadOnlyList<string>? names = null;
        if (namesFile is not null)
        {
            if (!File.Exists(namesFile))
                throw new ClustSegException($"The class names file '{namesFile}' does not exist.", "Give a text file with one class name per line.");
            names = File.ReadAllLines(namesFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        }
        var model = ModelOptions.Build(parse.GetValue(Model)!, parse.GetValue(Task)!, parse.GetValue(Classes), parse.GetValue(Things), names);
        var path = parse.GetValue(OutputFile)!;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        model.SaveInitialCheckpoint(path, parse.GetValue(Seed));
        var parameters = model.Module.Parameters().Sum(p => p.ElementCount);
        output.WriteLine($"wrote {path}: {model.Variant.Name} {model.Task.ToString().ToLowerInvariant()}, {model.Classes} classes ({model.Things} things), " +
                         $"{model.Centres} centres, {parameters:N0} parameters, seed {parse.GetValue(Seed)}");
        return 0;
    }
}
