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

    public static Option<string> InputScale() => new("--input-scale")
    {
        Description = "semantic, instance, panoptic: resize each picture by this factor before the model sees it (test-time scale); " +
                      "the results keep the picture's size. Above 1 the masks, computed at 1/4 of the model input, get finer edges; " +
                      "best near the object sizes the model was trained on. Costs about the factor squared in time. " +
                      "Semantic models take a list, e.g. 1,1.25,1.5: the masks of every scale are averaged (multi-scale testing).",
        DefaultValueFactory = _ => "1",
    };

    public static Option<bool> FlipTest() => new("--flip-test")
    {
        Description = "semantic: also run each picture mirrored left to right and average the two results (twice the time).",
    };

    /// <summary>
    /// A predictor for <paramref name="model"/> at the test-time scales <paramref name="inputScales"/> (a comma list) and
    /// with or without flip testing, with errors that name the options.
    /// </summary>
    public static MaskPredictor Predictor(GpuDevice device, ClustSegModel model, string inputScales, bool flipTest)
    {
        var scales = ParseInputScales(inputScales);
        if (model.Task != ClustSegTask.Semantic && (scales.Length > 1 || flipTest))
        {
            throw new ClustSegException($"{(flipTest ? "--flip-test" : $"--input-scale {inputScales}")} averages the masks of several passes, which only a semantic model allows: " +
                                        $"a {model.Task.Name()} model seeds its centres from each pass's own features, so the masks of two passes do not line up.",
                "Give one --input-scale and no --flip-test for this model.");
        }
        return new MaskPredictor(device, model) { InputScale = scales[0], AveragedScales = scales[1..], AverageMirrored = flipTest };
    }

    /// <summary>The factors of an --input-scale value (one, or a comma list), each checked.</summary>
    public static double[] ParseInputScales(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var scales = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out scales[i]) ||
                !MaskPredictor.IsValidInputScale(scales[i]))
            {
                throw new ClustSegException($"--input-scale {text}: '{parts[i]}' is not a factor above 0 and at most {MaskPredictor.MaxInputScale}.",
                    "Pass a factor such as --input-scale 1.5, or for a semantic model a list such as --input-scale 1,1.25,1.5.");
            }
        }
        if (scales.Distinct().Count() != scales.Length)
            throw new ClustSegException($"--input-scale {text} names a scale twice.", "List each scale once.");
        return scales;
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
