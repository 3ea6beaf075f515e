namespace ClustSeg.Runtime.Imaging;

/// <summary>
/// Colour conversions with the constants scikit-image's <c>rgb2lab</c> uses (sRGB companding, the
/// sRGB-to-XYZ matrix 0.412453 ... 0.950227, D65 white (0.95047, 1, 1.08883) for the 2-degree observer, and the
/// 0.008856 / 7.787 linear segment), so features computed here match a Python reference.
/// </summary>
public static class ColorSpace
{
    private const double WhiteX = 0.95047, WhiteY = 1.0, WhiteZ = 1.08883;

    // Every 8-bit channel value maps to one linear value; a table avoids 3 pow() calls per pixel.
    private static readonly double[] LinearFromByte = BuildLinearTable();

    /// <summary>Converts one 8-bit sRGB colour to CIELAB (L in [0, 100]).</summary>
    public static (float L, float A, float B) SrgbToLab(byte red, byte green, byte blue)
    {
        var (l, a, b) = LinearToLab(LinearFromByte[red], LinearFromByte[green], LinearFromByte[blue]);
        return ((float)l, (float)a, (float)b);
    }

    /// <summary>
    /// Converts a whole image to CIELAB, planar: element <c>c * H * W + y * W + x</c> holds channel c
    /// (0 = L, 1 = a, 2 = b) of pixel (y, x).
    /// </summary>
    public static float[] SrgbToLabPlanar(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var plane = image.Width * image.Height;
        var lab = new float[3 * plane];
        var rgb = image.Pixels;
        // Three cube roots per pixel make this a sizeable part of superpixel inference; rows split across cores.
        Parallel.For(0, image.Height, y =>
        {
            for (int i = y * image.Width, end = i + image.Width; i < end; i++)
            {
                var (l, a, b) = LinearToLab(LinearFromByte[rgb[3 * i]], LinearFromByte[rgb[3 * i + 1]], LinearFromByte[rgb[3 * i + 2]]);
                lab[i] = (float)l;
                lab[plane + i] = (float)a;
                lab[2 * plane + i] = (float)b;
            }
        });
        return lab;
    }

    /// <summary>Converts a whole image to CIELAB, interleaved L, a, b per pixel in row-major order.</summary>
    public static float[] SrgbToLabInterleaved(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rgb = image.Pixels;
        var lab = new float[rgb.Length];
        for (var i = 0; i < rgb.Length; i += 3)
        {
            var (l, a, b) = LinearToLab(LinearFromByte[rgb[i]], LinearFromByte[rgb[i + 1]], LinearFromByte[rgb[i + 2]]);
            lab[i] = (float)l;
            lab[i + 1] = (float)a;
            lab[i + 2] = (float)b;
        }
        return lab;
    }

    private static (double L, double A, double B) LinearToLab(double r, double g, double b)
    {
        var x = (0.412453 * r + 0.357580 * g + 0.180423 * b) / WhiteX;
        var y = (0.212671 * r + 0.715160 * g + 0.072169 * b) / WhiteY;
        var z = (0.019334 * r + 0.119193 * g + 0.950227 * b) / WhiteZ;
        var fx = LabCompand(x);
        var fy = LabCompand(y);
        var fz = LabCompand(z);
        return (116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz));
    }

    private static double LabCompand(double t) => t > 0.008856 ? Math.Cbrt(t) : 7.787 * t + 16.0 / 116.0;

    private static double[] BuildLinearTable()
    {
        var table = new double[256];
        for (var v = 0; v < 256; v++)
        {
            var c = v / 255.0;
            table[v] = c > 0.04045 ? Math.Pow((c + 0.055) / 1.055, 2.4) : c / 12.92;
        }
        return table;
    }
}
