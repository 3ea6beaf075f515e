using System.CommandLine;

namespace ClustSeg.Cli.Commands;

/// <summary>`clustseg-cli info`: parameter counts of a ClustSeg model per top-level module.</summary>
internal static class InfoCommand
{
    private static readonly Option<string> Model = ModelOptions.Model();
    private static readonly Option<string> Task = ModelOptions.Task();
    private static readonly Option<int> Classes = ModelOptions.Classes();
    private static readonly Option<int> Things = ModelOptions.Things();

    public static Command Create()
    {
        var command = new Command("info",
            "Print a ClustSeg model's size: parameters per top-level module (backbone, pixel_decoder, seeds, decoder, heads)\n" +
            "and in total, and the buffers (the memory bank).\n" +
            "Example: clustseg-cli info --model clustseg-tiny --task panoptic --classes 133 --things 80");
        foreach (var option in new Option[] { Model, Task, Classes, Things }) command.Options.Add(option);
        command.SetAction(parse => Run(parse, parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(ParseResult parse, TextWriter output)
    {
        var model = ModelOptions.Build(parse.GetValue(Model)!, parse.GetValue(Task)!, parse.GetValue(Classes), parse.GetValue(Things));
        output.WriteLine($"{model.Variant.Name}, {model.Task.ToString().ToLowerInvariant()}, {model.Classes} classes ({model.Things} things), " +
                         $"D {model.Dim}, {model.DecoderLayers} decoder layers, {model.Centres} centres");
        output.WriteLine($"{"module",-16}{"parameters",14}");
        foreach (var child in model.Module.Children)
        {
            output.WriteLine($"{child.Name,-16}{child.Parameters().Sum(p => p.ElementCount),14:N0}");
        }
        output.WriteLine($"{"total",-16}{model.Module.Parameters().Sum(p => p.ElementCount),14:N0}");
        foreach (var buffer in model.Module.Buffers())
        {
            output.WriteLine($"buffer {buffer.Path} [{string.Join(", ", buffer.Shape)}] ({buffer.ElementCount:N0} values, not trained)");
        }
        output.WriteLine($"spec sha256 {model.Variant.SpecSha256}");
        return 0;
    }
}
