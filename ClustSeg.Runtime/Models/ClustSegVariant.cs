using ClustSeg.Models;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Nn;

namespace ClustSeg.Runtime.Models;

/// <summary>A named ClustSeg variant (clustseg.md, "Compact variants") and the generated module that implements it.</summary>
public sealed class ClustSegVariant
{
    private readonly Func<int, int, int, Module> _build;

    private ClustSegVariant(string name, string specSha256, int thingSeeds, Func<int, int, int, Module> build)
    {
        Name = name;
        SpecSha256 = specSha256;
        ThingSeeds = thingSeeds;
        _build = build;
    }

    /// <summary><c>clustseg-tiny</c>: widths 32..256, D 64, 3 decoder layers, 4 heads, 50 thing seeds.</summary>
    public static ClustSegVariant Tiny { get; } = new("clustseg-tiny", ClustSegTiny.SpecSha256, 50, (t, c, th) => new ClustSegTiny(t, c, th));

    /// <summary><c>clustseg-small</c>: widths 64..512, D 128, 6 decoder layers, 8 heads, 100 thing seeds.</summary>
    public static ClustSegVariant Small { get; } = new("clustseg-small", ClustSegSmall.SpecSha256, 100, (t, c, th) => new ClustSegSmall(t, c, th));

    /// <summary>Every variant.</summary>
    public static IReadOnlyList<ClustSegVariant> All { get; } = [Tiny, Small];

    /// <summary>The name checkpoints and the command line use.</summary>
    public string Name { get; }

    /// <summary>SHA-256 of the layer spec file (models/clustseg.cseg) the variant was generated from.</summary>
    public string SpecSha256 { get; }

    /// <summary>K_th, the number of image-adaptive thing seeds.</summary>
    public int ThingSeeds { get; }

    /// <summary>Finds a variant by name.</summary>
    /// <exception cref="ClustSegException">No variant has that name.</exception>
    public static ClustSegVariant Find(string name) =>
        All.FirstOrDefault(v => string.Equals(v.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ClustSegException($"There is no ClustSeg model named '{name}'.", $"Use one of: {string.Join(", ", All.Select(v => v.Name))}.");

    /// <summary>Builds the module tree (no device memory yet) after checking the class counts.</summary>
    internal Module Build(ClustSegTask task, int classes, int things)
    {
        if (classes < 1)
            throw new ClustSegException($"A model needs at least one class; {classes} were asked for.", "Pass --classes N with N >= 1.");
        if (things < 0 || things > classes)
            throw new ClustSegException($"{things} thing classes out of {classes} is impossible.", "Pass --things M with 0 <= M <= classes (thing ids come first: 0 .. M-1).");
        if (task == ClustSegTask.Panoptic && things == classes)
            throw new ClustSegException($"A panoptic model needs at least one stuff class, but all {classes} classes are things.",
                "Pass --things M with M < classes, or use --task instance.");
        return _build((int)task, classes, things);
    }
}
