namespace ClustSeg.Runtime.Imaging.Png;

/// <summary>
/// A decoded PNG with its raw sample values: palette images keep their indices, 16-bit images keep 16-bit values,
/// and low bit depths are not rescaled (a 2-bit grey image holds 0..3). Samples are row-major with channels
/// interleaved: the value of channel c at (x, y) is <c>Samples[(y * Width + x) * Channels + c]</c>.
/// </summary>
public sealed class PngImage
{
    /// <summary>Creates an image from raw samples; the sample count must be Width * Height * Channels.</summary>
    /// <param name="width">Width in pixels (at least 1).</param>
    /// <param name="height">Height in pixels (at least 1).</param>
    /// <param name="colorType">The PNG colour type.</param>
    /// <param name="bitDepth">Bits per sample, valid for the colour type.</param>
    /// <param name="samples">Row-major interleaved samples, each below 2^bitDepth.</param>
    /// <param name="palette">RGB triplets for palette images, otherwise null.</param>
    public PngImage(int width, int height, PngColorType colorType, int bitDepth, ushort[] samples, byte[]? palette = null)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}x{height} must be at least 1x1.");
        if (!PngLayout.IsValidDepth(colorType, bitDepth))
            throw new ArgumentException($"Bit depth {bitDepth} is not allowed for colour type {colorType}.", nameof(bitDepth));
        var channels = PngLayout.ChannelCount(colorType);
        if (samples.Length != (long)width * height * channels)
            throw new ArgumentException($"Expected {(long)width * height * channels} samples for {width}x{height}x{channels}, got {samples.Length}.", nameof(samples));
        if (colorType == PngColorType.Palette && (palette is null || palette.Length == 0 || palette.Length % 3 != 0 || palette.Length > 768))
            throw new ArgumentException("A palette image needs a palette of 1 to 256 RGB triplets.", nameof(palette));
        Width = width;
        Height = height;
        ColorType = colorType;
        BitDepth = bitDepth;
        Samples = samples;
        Palette = palette;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The colour type the file declared.</summary>
    public PngColorType ColorType { get; }

    /// <summary>Bits per sample (per palette index for palette images): 1, 2, 4, 8 or 16.</summary>
    public int BitDepth { get; }

    /// <summary>Samples per pixel: 1 grey or palette index, 2 grey+alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels => PngLayout.ChannelCount(ColorType);

    /// <summary>Row-major, channel-interleaved raw sample values.</summary>
    public ushort[] Samples { get; }

    /// <summary>The PLTE chunk as RGB triplets (palette images; optional in others), or null.</summary>
    public byte[]? Palette { get; internal set; }

    /// <summary>The tRNS chunk's raw bytes (alpha per palette entry, or the transparent colour), or null.</summary>
    public byte[]? Transparency { get; internal set; }

    /// <summary>The raw sample of <paramref name="channel"/> at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public ushort GetSample(int x, int y, int channel = 0) => Samples[((long)y * Width + x) * Channels + channel];

    /// <summary>An 8-bit grey image from row-major bytes.</summary>
    public static PngImage FromGray8(int width, int height, ReadOnlySpan<byte> pixels) =>
        new(width, height, PngColorType.Gray, 8, Widen(pixels));

    /// <summary>A 16-bit grey image from row-major values.</summary>
    public static PngImage FromGray16(int width, int height, ReadOnlySpan<ushort> pixels) =>
        new(width, height, PngColorType.Gray, 16, pixels.ToArray());

    /// <summary>An 8-bit RGB image from row-major RGB bytes.</summary>
    public static PngImage FromRgb8(int width, int height, ReadOnlySpan<byte> rgb) =>
        new(width, height, PngColorType.Rgb, 8, Widen(rgb));

    /// <summary>An 8-bit RGBA image from row-major RGBA bytes.</summary>
    public static PngImage FromRgba8(int width, int height, ReadOnlySpan<byte> rgba) =>
        new(width, height, PngColorType.Rgba, 8, Widen(rgba));

    /// <summary>
    /// The samples as bytes, for images whose bit depth is at most 8 (raw values, not rescaled).
    /// Throws for 16-bit images, whose values may not fit.
    /// </summary>
    public byte[] ToBytes()
    {
        if (BitDepth > 8)
            throw new InvalidOperationException($"This PNG has {BitDepth}-bit samples; read Samples instead of narrowing them to bytes.");
        var bytes = new byte[Samples.Length];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)Samples[i];
        return bytes;
    }

    /// <summary>
    /// Palette images expanded to 8-bit RGB through the palette. Throws if an index has no palette entry.
    /// </summary>
    public byte[] ExpandPaletteToRgb()
    {
        if (ColorType != PngColorType.Palette || Palette is null)
            throw new InvalidOperationException($"ExpandPaletteToRgb needs a palette image; this one is {ColorType}.");
        var entries = Palette.Length / 3;
        var rgb = new byte[Samples.Length * 3];
        for (var i = 0; i < Samples.Length; i++)
        {
            int index = Samples[i];
            if (index >= entries)
                throw new InvalidDataException($"Palette index {index} at pixel {i % Width},{i / Width} has no entry (the palette has {entries}).");
            rgb[i * 3] = Palette[index * 3];
            rgb[i * 3 + 1] = Palette[index * 3 + 1];
            rgb[i * 3 + 2] = Palette[index * 3 + 2];
        }
        return rgb;
    }

    private static ushort[] Widen(ReadOnlySpan<byte> bytes)
    {
        var samples = new ushort[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) samples[i] = bytes[i];
        return samples;
    }
}
