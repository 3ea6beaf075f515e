using ClustSeg.Runtime.Errors;

namespace ClustSeg.Cli.Output;

/// <summary>Resolves the IMAGE|DIR argument of inference commands into image files.</summary>
internal static class ImageInputs
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".tga"];

    public static IReadOnlyList<string> Resolve(string input)
    {
        if (File.Exists(input)) return [input];
        if (Directory.Exists(input))
        {
            var files = Directory.EnumerateFiles(input)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
                throw new ClustSegException($"The folder '{input}' holds no images ({string.Join(", ", Extensions)}).",
                    "Point at an image file or a folder of images.");
            return files;
        }
        throw new ClustSegException($"The input '{input}' does not exist.", "Pass an existing image file or folder.");
    }
}
