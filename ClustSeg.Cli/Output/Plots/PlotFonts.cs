using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace ClustSeg.Cli.Output.Plots;

/// <summary>
/// The font every plot uses, embedded in clustseg-cli: with the fontconfig-free Skia build a machine without system
/// fonts (a bare Debian) would otherwise get plots with no text at all, and with it text looks the same everywhere.
/// </summary>
internal static class PlotFonts
{
    /// <summary>The family name plots ask ScottPlot for.</summary>
    public const string Family = "ClustSeg Plot Sans";

    private static readonly Lazy<byte[]> Regular = new(() => ReadResource("ClustSeg.Cli.PlotSans.ttf"));
    private static readonly Lazy<byte[]> Bold = new(() => ReadResource("ClustSeg.Cli.PlotSans-Bold.ttf"));
    private static readonly object Gate = new();
    private static bool registered;

    /// <summary>Makes <see cref="Family"/> known to ScottPlot (once per process) and the default for new plot items.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (registered) return;
            Fonts.FontResolvers.Insert(0, new EmbeddedResolver());
            Fonts.Default = Family;
            registered = true;
        }
    }

    /// <summary>Uses the embedded font for every label of <paramref name="plot"/>.</summary>
    public static void Apply(Plot plot)
    {
        Register();
        plot.Font.Set(Family);
        plot.Legend.FontName = Family;
    }

    private static byte[] ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"clustseg-cli was built without its embedded font '{name}'.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private sealed class EmbeddedResolver : IFontResolver
    {
        public SKTypeface CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            CreateTypeface(fontName, weight >= FontWeight.SemiBold, slant != FontSlant.Upright);

        public SKTypeface CreateTypeface(string fontName, bool bold, bool italic)
        {
            // Other names fall through to the next resolver (null is how ScottPlot's resolvers say "not mine").
            if (!string.Equals(fontName, Family, StringComparison.OrdinalIgnoreCase)) return null!;
            // A fresh typeface per request: ScottPlot owns and may dispose what it is given.
            using var data = SKData.CreateCopy(bold ? Bold.Value : Regular.Value);
            return SKTypeface.FromData(data);
        }
    }
}
