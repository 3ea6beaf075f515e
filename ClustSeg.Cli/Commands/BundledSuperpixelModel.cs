using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Superpixels;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Commands;

/// <summary>
/// The trained superpixel checkpoint that ships with clustseg-cli (models/superpixel-bsds500.safetensors in the
/// repository, copied next to the CLI), which `infer` runs when no --checkpoint is given.
/// </summary>
internal static class BundledSuperpixelModel
{
    /// <summary>Where the build puts it.</summary>
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "models", "superpixel-bsds500.safetensors");

    /// <summary>
    /// Loads the bundled model, or returns null (saying why on <paramref name="error"/>) when it is missing or was
    /// trained from another layer spec than this build's: a user who edits models/superpixel.cseg still gets superpixels,
    /// from the untrained model, until a checkpoint of the new spec is trained.
    /// </summary>
    public static SuperpixelModel? TryLoad(GpuDevice device, TextWriter error)
    {
        if (!File.Exists(Path))
        {
            error.WriteLine($"note: no bundled superpixel model at {Path}; running the untrained model (soft SLIC).");
            return null;
        }
        try
        {
            return SuperpixelModel.Load(device, Path);
        }
        catch (ClustSegException e)
        {
            error.WriteLine($"note: the bundled superpixel model does not fit this build ({e.Problem}); running the untrained model (soft SLIC). " +
                            "Train one with `clustseg-cli train --task superpixel` and pass it with --checkpoint.");
            return null;
        }
    }
}
