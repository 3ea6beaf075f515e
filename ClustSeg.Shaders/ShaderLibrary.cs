using System.Reflection;

namespace ClustSeg.Shaders;

/// <summary>
/// The compiled SPIR-V of every ClustSeg compute kernel, embedded in this assembly at build time by glslc.
/// </summary>
public static class ShaderLibrary
{
    private const string Prefix = "ClustSeg.Shaders.";
    private const string Suffix = ".spv";
    private static readonly Assembly Self = typeof(ShaderLibrary).Assembly;

    /// <summary>Names of all embedded kernels (the GLSL file name without extension).</summary>
    public static IReadOnlyList<string> Names { get; } = Self.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(Suffix, StringComparison.Ordinal))
        .Select(n => n.Substring(Prefix.Length, n.Length - Prefix.Length - Suffix.Length))
        .OrderBy(n => n, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Returns the SPIR-V words of kernel <paramref name="name"/> as bytes.</summary>
    /// <exception cref="KeyNotFoundException">No shader of that name was compiled into this assembly.</exception>
    public static byte[] Load(string name)
    {
        using var stream = Self.GetManifestResourceStream(Prefix + name + Suffix)
            ?? throw new KeyNotFoundException(
                $"No compiled shader named '{name}'. Shaders live in ClustSeg.Shaders/kernels/{name}.comp; " +
                $"known: {string.Join(", ", Names)}.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
