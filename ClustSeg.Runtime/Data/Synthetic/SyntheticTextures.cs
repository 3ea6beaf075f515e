namespace ClustSeg.Runtime.Data.Synthetic;

/// <summary>Per-pixel colour functions for the stuff regions and the shapes' surfaces.</summary>
internal static class SyntheticTextures
{
    /// <summary>A deterministic value in [0, 1) for an integer position and a per-image salt.</summary>
    public static double Hash(int x, int y, ulong salt)
    {
        var h = Training.TrainingRandom.Mix(salt ^ ((ulong)(uint)x << 32 | (uint)y));
        return (h >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Smooth value noise in [0, 1) with features about <paramref name="scale"/> pixels wide.</summary>
    public static double ValueNoise(double x, double y, double scale, ulong salt)
    {
        double fx = x / scale, fy = y / scale;
        int ix = (int)Math.Floor(fx), iy = (int)Math.Floor(fy);
        double tx = fx - ix, ty = fy - iy;
        tx = tx * tx * (3 - 2 * tx);
        ty = ty * ty * (3 - 2 * ty);
        var top = Lerp(Hash(ix, iy, salt), Hash(ix + 1, iy, salt), tx);
        var bottom = Lerp(Hash(ix, iy + 1, salt), Hash(ix + 1, iy + 1, salt), tx);
        return Lerp(top, bottom, ty);
    }

    public static double Lerp(double a, double b, double t) => a + (b - a) * t;

    public static byte Clamp(double v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)(v + 0.5);

    /// <summary>Converts hue [0, 1), saturation and value [0, 1] to RGB in [0, 255].</summary>
    public static (double R, double G, double B) Hsv(double h, double s, double v)
    {
        var sector = h * 6;
        var i = (int)Math.Floor(sector) % 6;
        var f = sector - Math.Floor(sector);
        double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        var (r, g, b) = i switch { 0 => (v, t, p), 1 => (q, v, p), 2 => (p, v, t), 3 => (p, q, v), 4 => (t, p, v), _ => (v, p, q) };
        return (r * 255, g * 255, b * 255);
    }
}

/// <summary>The look of one stuff class in one image (colours and texture phases drawn once per image).</summary>
internal sealed class StuffLook
{
    private readonly int _classId;
    private readonly ulong _salt;
    private readonly (double R, double G, double B) _base;
    private readonly (double R, double G, double B) _second;
    private readonly double _phase;
    private readonly double _frequency;

    public StuffLook(int classId, Training.TrainingRandom random)
    {
        _classId = classId;
        _salt = random.NextUInt64();
        _phase = random.NextDouble(0, 2 * Math.PI);
        _frequency = random.NextDouble(0.35, 0.7);
        (_base, _second) = classId switch
        {
            SyntheticClasses.Sky => (SyntheticTextures.Hsv(random.NextDouble(0.55, 0.64), random.NextDouble(0.55, 0.8), random.NextDouble(0.6, 0.85)),
                SyntheticTextures.Hsv(random.NextDouble(0.5, 0.6), random.NextDouble(0.05, 0.25), random.NextDouble(0.9, 1.0))),
            SyntheticClasses.Grass => (SyntheticTextures.Hsv(random.NextDouble(0.22, 0.33), random.NextDouble(0.55, 0.85), random.NextDouble(0.35, 0.6)),
                SyntheticTextures.Hsv(random.NextDouble(0.18, 0.3), random.NextDouble(0.4, 0.7), random.NextDouble(0.6, 0.8))),
            _ => (SyntheticTextures.Hsv(random.NextDouble(0.47, 0.56), random.NextDouble(0.6, 0.9), random.NextDouble(0.35, 0.55)),
                SyntheticTextures.Hsv(random.NextDouble(0.5, 0.58), random.NextDouble(0.2, 0.45), random.NextDouble(0.7, 0.9))),
        };
    }

    public (double R, double G, double B) Color(int x, int y, int size)
    {
        double t;
        switch (_classId)
        {
            case SyntheticClasses.Sky:
                // Vertical gradient towards a pale horizon, with faint cloud-like noise.
                t = (double)y / size + 0.25 * SyntheticTextures.ValueNoise(x, y, size / 4.0, _salt) - 0.1;
                break;
            case SyntheticClasses.Grass:
                // Coarse patches plus per-pixel blades stretched vertically.
                t = 0.5 * SyntheticTextures.ValueNoise(x, y, 6, _salt) + 0.5 * SyntheticTextures.Hash(x, y / 3, _salt);
                break;
            default:
                // Horizontal waves bent by a slow sine.
                t = 0.5 + 0.5 * Math.Sin(_frequency * y + 2.5 * Math.Sin(0.08 * x + _phase));
                break;
        }
        t = Math.Clamp(t, 0, 1);
        return (SyntheticTextures.Lerp(_base.R, _second.R, t), SyntheticTextures.Lerp(_base.G, _second.G, t), SyntheticTextures.Lerp(_base.B, _second.B, t));
    }
}
