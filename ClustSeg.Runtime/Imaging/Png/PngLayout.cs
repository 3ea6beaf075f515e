namespace ClustSeg.Runtime.Imaging.Png;

/// <summary>Sizes and rules shared by the decoder and encoder: channels, allowed depths, Adam7 passes, row sizes.</summary>
internal static class PngLayout
{
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Adam7 passes as (x start, y start, x step, y step).</summary>
    public static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7Passes =
    [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ];

    public static int ChannelCount(PngColorType colorType) => colorType switch
    {
        PngColorType.Gray or PngColorType.Palette => 1,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgb => 3,
        PngColorType.Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(colorType), colorType, "Unknown PNG colour type."),
    };

    public static bool IsValidDepth(PngColorType colorType, int bitDepth) => colorType switch
    {
        PngColorType.Gray => bitDepth is 1 or 2 or 4 or 8 or 16,
        PngColorType.Palette => bitDepth is 1 or 2 or 4 or 8,
        PngColorType.Rgb or PngColorType.GrayAlpha or PngColorType.Rgba => bitDepth is 8 or 16,
        _ => false,
    };

    /// <summary>Bytes in one scanline of <paramref name="width"/> pixels, not counting the filter byte.</summary>
    public static long RowBytes(long width, int channels, int bitDepth) => (width * channels * bitDepth + 7) / 8;

    /// <summary>The filters' byte distance to the corresponding byte of the previous pixel (at least 1).</summary>
    public static int FilterStride(int channels, int bitDepth) => Math.Max(1, channels * bitDepth / 8);

    /// <summary>Pixel count of a pass along one axis: ceil((size - start) / step), or 0.</summary>
    public static int PassExtent(int size, int start, int step) => size <= start ? 0 : (size - start + step - 1) / step;
}
