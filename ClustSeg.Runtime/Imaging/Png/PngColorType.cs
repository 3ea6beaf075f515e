namespace ClustSeg.Runtime.Imaging.Png;

/// <summary>The PNG colour types (the IHDR colour-type byte).</summary>
public enum PngColorType : byte
{
    /// <summary>One grey sample per pixel (bit depths 1, 2, 4, 8, 16).</summary>
    Gray = 0,

    /// <summary>Red, green and blue samples (bit depths 8, 16).</summary>
    Rgb = 2,

    /// <summary>One palette index per pixel (bit depths 1, 2, 4, 8).</summary>
    Palette = 3,

    /// <summary>Grey and alpha samples (bit depths 8, 16).</summary>
    GrayAlpha = 4,

    /// <summary>Red, green, blue and alpha samples (bit depths 8, 16).</summary>
    Rgba = 6,
}
