using System.CommandLine;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Inference;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Commands;

/// <summary>The options that choose a ClustSeg model: variant, task, classes and thing classes.</summary>
internal static class ModelOptions
{
    public static Option<string> Model() => new("--model", "-m")
    {
        Description = $"The variant: {string.Join(", ", ClustSegVariant.All.Select(v => v.Name))}.",
        DefaultValueFactory = _ => ClustSegVariant.Tiny.Name,
    };

    public static Option<string> Task() => new("--task", "-t")
    {
        Description = "semantic, instance or panoptic.",
        Required = true,
    };

    public static Option<int> Classes() => new("--classes", "-c")
    {
        Description = "Number of classes (the class head adds no-object).",
        Required = true,
    };

    public static Option<int> Things() => new("--things")
    {
        Description = "How many of the classes are things; they take ids 0 .. M-1, stuff follows (default 0).",
        DefaultValueFactory = _ => 0,
    };

    public static Option<double> InputScale() => new("--input-scale")
    {
        Description = "semantic, instance, panoptic: resize each picture by this factor before the model sees it (test-time scale); " +
                      "the results keep the picture's size. Above 1 the masks, computed at 1/4 of the model input, get finer edges; " +
                      "best near the object sizes the model was trained on. Costs about the factor squared in time.",
        DefaultValueFactory = _ => 1.0,
    };

    /// <summary>A predictor for <paramref name="model"/> at the given test-time scale, with an error that names the option.</summary>
    public static MaskPredictor Predictor(GpuDevice device, ClustSegModel model, double inputScale)
    {
        if (!MaskPredictor.IsValidInputScale(inputScale))
            throw new ClustSegException($"--input-scale {inputScale} is out of range.", $"Pass a factor above 0 and at most {MaskPredictor.MaxInputScale}, e.g. --input-scale 1.5.");
        return new MaskPredictor(device, model) { InputScale = inputScale };
    }

    /// <summary>Builds the model the options describe; class names are <c>class_0</c> .. unless <paramref name="classNames"/> is given.</summary>
    public static ClustSegModel Build(string model, string task, int classes, int things, IReadOnlyList<string>? classNames = null)
    {
        if (classNames is not null && classNames.Count != classes)
        {
            throw new ClustSegException($"{classNames.Count} class names were given for {classes} classes.",
                "Give one name per line in the class names file, or change --classes to match it.");
        }
        var names = classNames ?? Enumerable.Range(0, Math.Max(classes, 0)).Select(i => $"class_{i}").ToArray();
        return new ClustSegModel(ClustSegVariant.Find(model), ClustSegTasks.Parse(task), names, things);
    }
}
