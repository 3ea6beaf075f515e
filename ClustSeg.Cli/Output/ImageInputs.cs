using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Imaging;

namespace ClustSeg.Cli.Output;

/// <summary>Resolves the IMAGE|DIR argument of inference commands into image files.</summary>
internal static class ImageInputs
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".tga"];

    /// <summary>Stands for the picture embedded in the CLI in an input list.</summary>
    public const string BundledSample = "<bundled>/sample.png";

    /// <summary>How an input is named in messages.</summary>
    public static string DisplayName(string file) => file == BundledSample ? "bundled sample picture" : file;

    /// <summary>Loads an input, the bundled sample included.</summary>
    public static RgbImage Load(string file)
    {
        if (file != BundledSample) return RgbImage.Load(file);
        using var stream = typeof(ImageInputs).Assembly.GetManifestResourceStream("ClustSeg.Cli.sample.png")
            ?? throw new InvalidOperationException("The bundled sample picture is missing from the CLI assembly.");
        return RgbImage.Decode(stream, "bundled sample.png");
    }

    /// <summary>
    /// Refuses a run whose outputs (NAME + each suffix in <paramref name="outputFolder"/>) would overwrite one of its
    /// inputs, or whose inputs share a name (a.jpg and a.png would write the same files).
    /// </summary>
    public static void CheckOutputs(IReadOnlyList<string> files, string outputFolder, params string[] suffixes)
    {
        var inputs = new HashSet<string>(files.Where(f => f != BundledSample).Select(Path.GetFullPath), StringComparer.Ordinal);
        var stems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var stem = Path.GetFileNameWithoutExtension(file);
            if (stems.TryGetValue(stem, out var other))
                throw new ClustSegException($"'{other}' and '{file}' would write results under the same name '{stem}'.",
                    "Rename one of them or run them separately.");
            stems[stem] = file;
            foreach (var suffix in suffixes)
            {
                var output = Path.GetFullPath(Path.Combine(outputFolder, stem + suffix));
                if (inputs.Contains(output))
                    throw new ClustSegException($"Writing '{output}' would overwrite an input image.",
                        "Choose another output folder with -o.");
            }
        }
    }

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
