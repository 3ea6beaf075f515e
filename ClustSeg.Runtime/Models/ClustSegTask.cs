using ClustSeg.Runtime.Errors;

namespace ClustSeg.Runtime.Models;

/// <summary>The mask tasks of a ClustSeg model; the values are the layer spec's <c>task</c> parameter.</summary>
public enum ClustSegTask
{
    /// <summary>One centre per class, seeded from the memory bank.</summary>
    Semantic = 0,

    /// <summary>Image-adaptive thing seeds only.</summary>
    Instance = 1,

    /// <summary>Stuff class seeds, then adaptive thing seeds.</summary>
    Panoptic = 2,
}

/// <summary>The task names used in checkpoints and on the command line.</summary>
public static class ClustSegTasks
{
    /// <summary>The lower-case name (<c>semantic</c>, <c>instance</c>, <c>panoptic</c>), as checkpoint metadata records it.</summary>
    public static string Name(this ClustSegTask task) => task switch
    {
        ClustSegTask.Semantic => "semantic",
        ClustSegTask.Instance => "instance",
        ClustSegTask.Panoptic => "panoptic",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "not a ClustSeg mask task"),
    };

    /// <summary>Parses a task name.</summary>
    /// <exception cref="ClustSegException">The name is not one of the mask tasks.</exception>
    public static ClustSegTask Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "semantic" => ClustSegTask.Semantic,
        "instance" => ClustSegTask.Instance,
        "panoptic" => ClustSegTask.Panoptic,
        _ => throw new ClustSegException($"'{name}' is not a ClustSeg mask task.",
            "Use semantic, instance or panoptic (superpixels have their own model: `clustseg-cli infer` without a checkpoint)."),
    };
}
