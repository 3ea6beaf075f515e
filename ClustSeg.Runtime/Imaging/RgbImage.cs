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
    /// This image resampled to <paramref name="width"/> x <paramref name="height"/> with bilinear interpolation at pixel
    /// centres (PyTorch's align_corners = false rule, as training's scale augmentation uses), rounded to bytes.
    /// </summary>
    public RgbImage Resize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (width == Width && height == Height) return new RgbImage(width, height, (byte[])Pixels.Clone());
        var (x0, x1, tx) = SourceTaps(Width, width);
        var (y0, y1, ty) = SourceTaps(Height, height);
        var output = new byte[3 * width * height];
        for (var y = 0; y < height; y++)
        {
            int top = y0[y] * Width, bottom = y1[y] * Width;
            for (var x = 0; x < width; x++)
                for (var c = 0; c < 3; c++)
                {
                    double upper = Pixels[(top + x0[x]) * 3 + c] * (1 - tx[x]) + Pixels[(top + x1[x]) * 3 + c] * tx[x];
                    double lower = Pixels[(bottom + x0[x]) * 3 + c] * (1 - tx[x]) + Pixels[(bottom + x1[x]) * 3 + c] * tx[x];
                    output[(y * width + x) * 3 + c] = (byte)Math.Clamp(Math.Round(upper * (1 - ty[y]) + lower * ty[y]), 0, 255);
                }
        }
        return new RgbImage(width, height, output);
    }

    /// <summary>This image mirrored left to right.</summary>
    public RgbImage MirrorLeftRight()
    {
        var output = new byte[Pixels.Length];
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
                Array.Copy(Pixels, (y * Width + x) * 3, output, (y * Width + Width - 1 - x) * 3, 3);
        return new RgbImage(Width, Height, output);
    }

    private static (int[] First, int[] Second, double[] Weight) SourceTaps(int source, int target)
    {
        var first = new int[target];
        var second = new int[target];
        var weight = new double[target];
        for (var i = 0; i < target; i++)
        {
            var position = Math.Clamp((i + 0.5) * source / target - 0.5, 0, source - 1);
            first[i] = (int)position;
            second[i] = Math.Min(first[i] + 1, source - 1);
            weight[i] = position - first[i];
        }
        return (first, second, weight);
    }

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
