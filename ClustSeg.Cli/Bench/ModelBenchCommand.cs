using System.CommandLine;
using ClustSeg.Cli.Commands;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Models;

namespace ClustSeg.Cli.Bench;

/// <summary>`clustseg-cli bench model`: times a whole model's forward pass and training step on the chosen device.</summary>
internal static class ModelBenchCommand
{
    private static readonly Option<string> Model = ModelOptions.Model();

    private static readonly Option<string> Task = new("--task", "-t")
    {
        Description = "semantic, instance or panoptic.",
        DefaultValueFactory = _ => "panoptic",
    };

    private static readonly Option<int> Classes = new("--classes", "-c")
    {
        Description = "Number of classes (default 133, COCO panoptic).",
        DefaultValueFactory = _ => 133,
    };

    private static readonly Option<int?> Things = new("--things")
    {
        Description = "How many of the classes are things (default: 80 for panoptic and instance, as COCO; 0 for semantic).",
    };

    private static readonly Option<int> Size = new("--size")
    {
        Description = "Input height and width, a multiple of 32.",
        DefaultValueFactory = _ => 512,
    };

    private static readonly Option<int> Batch = new("--batch", "-b")
    {
        Description = "Images per step.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<bool> Train = new("--train")
    {
        Description = "Also time a training step as `train` runs it: forward, backward from a seeded output gradient, clipping by the global gradient norm and an AdamW update of every parameter.",
    };

    private static readonly Option<bool> Profile = new("--profile")
    {
        Description = "Print a per-layer table of device time from timestamp queries (of the training step with --train).",
    };

    private static readonly Option<int> Depth = new("--depth")
    {
        Description = "With --profile: group layers by the first N parts of their path (0: each layer on its own row).",
        DefaultValueFactory = _ => 0,
    };

    private static readonly Option<int> Repeats = new("--repeats")
    {
        Description = "Timed replays after one warm-up; the median is reported.",
        DefaultValueFactory = _ => 5,
    };

    /// <summary>The `model` subcommand of `bench`.</summary>
    public static Command Create()
    {
        var command = new Command("model",
            "Time a ClustSeg model on the chosen device: forward pass and (with --train) training step as the median of replayed " +
            "recordings after a warm-up, images per second, host recording time, device memory, and with --profile device time per layer.");
        foreach (var option in new Option[] { Model, Task, Classes, Things, Size, Batch, Train, Profile, Depth, Repeats }) command.Options.Add(option);
        command.SetAction(parse => Run(parse, parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(ParseResult parse, TextWriter output)
    {
        var size = parse.GetValue(Size);
        var batch = parse.GetValue(Batch);
        if (size < ModelInput.SizeMultiple || size % ModelInput.SizeMultiple != 0)
            throw new ClustSegException($"--size {size} is not a positive multiple of {ModelInput.SizeMultiple}, as the backbone's stride needs.",
                $"Pass --size {ModelInput.PaddedSize(Math.Max(size, 1))}, say.");
        if (batch < 1) throw new ClustSegException($"--batch {batch} asks for no images.", "Pass --batch 1 or more.");
        var task = ClustSegTasks.Parse(parse.GetValue(Task)!);
        var classes = parse.GetValue(Classes);
        var things = parse.GetValue(Things) ?? (task == ClustSegTask.Semantic ? 0 : Math.Min(80, classes - (task == ClustSegTask.Panoptic ? 1 : 0)));
        var model = ModelOptions.Build(parse.GetValue(Model)!, task.Name(), classes, things);
        var settings = new ModelBenchSettings(size, batch, Math.Max(1, parse.GetValue(Repeats)), parse.GetValue(Train), parse.GetValue(Profile));

        using var device = GlobalOptions.OpenDevice(parse);
        output.WriteLine($"device: {device.Info.Summary}");
        var parameters = model.Module.Parameters().Sum(p => p.ElementCount);
        output.WriteLine($"model: {model.Variant.Name} {task.Name()}, {classes} classes ({things} things), {parameters / 1e6:0.00} M parameters, " +
                         $"input {batch}x3x{size}x{size}");
        var result = ModelBench.Run(device, model, settings);
        ModelBenchReport.Write(output, result, batch, parse.GetValue(Depth));
        return 0;
    }
}
