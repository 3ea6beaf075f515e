using StbImageSharp;

namespace ClustSeg.Runtime.Imaging;

/// <summary>An 8-bit sRGB image, pixels interleaved R, G, B in row-major order.</summary>
public sealed class RgbImage
{
    /// <summary>Wraps <paramref name="pixels"/> (length 3 * width * height, R G B interleaved, row-major).</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != 3L * width * height)
            throw new ArgumentException(
                $"An RGB image of {width}x{height} needs {3L * width * height} bytes, got {pixels.Length}.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>R, G, B bytes per pixel, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>
    /// Decodes a JPEG, PNG, BMP, TGA or GIF file into RGB (grey and alpha images are converted).
    /// Throws <see cref="InvalidDataException"/> naming the file when it cannot be decoded.
    /// </summary>
    public static RgbImage Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Image '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return Decode(stream, path);
    }

    /// <summary>Decodes an encoded image from <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    public static RgbImage Decode(Stream stream, string source)
    {
        try
        {
            var decoded = ImageResult.FromStream(stream, ColorComponents.RedGreenBlue);
            return new RgbImage(decoded.Width, decoded.Height, decoded.Data);
        }
        catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
        {
            throw new InvalidDataException(
                $"Image '{source}' could not be decoded ({e.Message}); expected a JPEG, PNG, BMP, TGA or GIF file.", e);
        }
    }
}
