using ClustSeg.Runtime.Imaging;

namespace ClustSeg.Runtime.Inference;

/// <summary>Colour overlays of inference results: each region tinted with its colour over the picture, boundaries darkened.</summary>
public static class InferenceOverlay
{
    /// <summary>
    /// Blends a colour per region over <paramref name="image"/>: <paramref name="regions"/> holds a region number per
    /// pixel (negative = none, left as the picture); <paramref name="colourOf"/> gives each region's RGB colour.
    /// Pixels next to a different region are drawn in the full colour, the inside half-transparent.
    /// </summary>
    public static RgbImage Draw(RgbImage image, int[] regions, Func<int, (byte R, byte G, byte B)> colourOf)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(colourOf);
        if (regions.Length != image.Width * image.Height)
            throw new ArgumentException($"{regions.Length} region numbers for a {image.Width}x{image.Height} picture.", nameof(regions));
        var pixels = (byte[])image.Pixels.Clone();
        var cache = new Dictionary<int, (byte R, byte G, byte B)>();
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var i = y * image.Width + x;
                var region = regions[i];
                if (region < 0) continue;
                if (!cache.TryGetValue(region, out var colour)) cache[region] = colour = colourOf(region);
                var edge = (x + 1 < image.Width && regions[i + 1] != region) || (y + 1 < image.Height && regions[i + image.Width] != region);
                var alpha = edge ? 1.0 : 0.5;
                pixels[3 * i] = Blend(pixels[3 * i], colour.R, alpha);
                pixels[3 * i + 1] = Blend(pixels[3 * i + 1], colour.G, alpha);
                pixels[3 * i + 2] = Blend(pixels[3 * i + 2], colour.B, alpha);
            }
        }
        return new RgbImage(image.Width, image.Height, pixels);
    }

    /// <summary>A well-spread, deterministic colour for a number (golden-ratio hue steps).</summary>
    public static (byte R, byte G, byte B) Colour(int number)
    {
        var hue = (number * 0.618033988749895 + 0.1) % 1.0 * 6;
        var sector = (int)hue;
        var f = hue - sector;
        var value = number % 2 == 0 ? 1.0 : 0.8;
        var (p, q, t) = (value * 0.25, value * (1 - 0.75 * f), value * (1 - 0.75 * (1 - f)));
        var (r, g, b) = sector switch
        {
            0 => (value, t, p),
            1 => (q, value, p),
            2 => (p, value, t),
            3 => (p, q, value),
            4 => (t, p, value),
            _ => (value, p, q),
        };
        return ((byte)(r * 255), (byte)(g * 255), (byte)(b * 255));
    }

    private static byte Blend(byte under, byte over, double alpha) => (byte)Math.Round(under * (1 - alpha) + over * alpha);
}
