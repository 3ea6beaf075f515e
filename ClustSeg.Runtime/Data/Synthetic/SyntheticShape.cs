using ClustSeg.Runtime.Data.Training;

namespace ClustSeg.Runtime.Data.Synthetic;

/// <summary>A thing to draw: its geometry (a point-inside test at pixel centres) and its surface colour.</summary>
internal sealed class SyntheticShape
{
    private readonly double _cx, _cy, _radius, _angle, _aspect, _innerRadius;
    private readonly (double X, double Y)[] _corners = [];
    private readonly (double R, double G, double B) _color, _accent;
    private readonly int _texture;
    private readonly double _stripeAngle, _stripePeriod;
    private readonly ulong _salt;

    public SyntheticShape(int classId, int size, TrainingRandom random)
    {
        ClassId = classId;
        _radius = random.NextDouble(0.06, 0.22) * size;
        _cx = random.NextDouble(-0.1, 1.1) * size;
        _cy = random.NextDouble(-0.1, 1.1) * size;
        _angle = random.NextDouble(0, Math.PI);
        _aspect = random.NextDouble(0.4, 1.0);
        _innerRadius = _radius * random.NextDouble(0.4, 0.65);
        if (classId == SyntheticClasses.Triangle)
        {
            var start = random.NextDouble(0, 2 * Math.PI);
            _corners = new (double, double)[3];
            for (var k = 0; k < 3; k++)
            {
                var a = start + k * 2 * Math.PI / 3 + random.NextDouble(-0.35, 0.35);
                _corners[k] = (_cx + _radius * 1.2 * Math.Cos(a), _cy + _radius * 1.2 * Math.Sin(a));
            }
        }
        var hue = random.NextDouble();
        _color = SyntheticTextures.Hsv(hue, random.NextDouble(0.5, 1.0), random.NextDouble(0.55, 1.0));
        _accent = SyntheticTextures.Hsv((hue + random.NextDouble(0.3, 0.7)) % 1.0, random.NextDouble(0.3, 1.0), random.NextDouble(0.2, 0.9));
        _texture = random.NextInt(4);
        _stripeAngle = random.NextDouble(0, Math.PI);
        _stripePeriod = random.NextDouble(3, 9);
        _salt = random.NextUInt64();
    }

    public int ClassId { get; }

    /// <summary>Pixel rows and columns that may be inside, clipped to the image.</summary>
    public (int X0, int Y0, int X1, int Y1) Bounds(int size)
    {
        var reach = _radius * 1.25 + 1;
        return (Math.Max(0, (int)Math.Floor(_cx - reach)), Math.Max(0, (int)Math.Floor(_cy - reach)),
            Math.Min(size - 1, (int)Math.Ceiling(_cx + reach)), Math.Min(size - 1, (int)Math.Ceiling(_cy + reach)));
    }

    public bool Contains(int x, int y)
    {
        double px = x + 0.5 - _cx, py = y + 0.5 - _cy;
        switch (ClassId)
        {
            case SyntheticClasses.Disc:
                return px * px + py * py <= _radius * _radius;
            case SyntheticClasses.Ring:
                var d2 = px * px + py * py;
                return d2 <= _radius * _radius && d2 >= _innerRadius * _innerRadius;
            case SyntheticClasses.Rectangle:
                double c = Math.Cos(_angle), s = Math.Sin(_angle);
                double u = c * px + s * py, v = -s * px + c * py;
                return Math.Abs(u) <= _radius && Math.Abs(v) <= _radius * _aspect;
            default:
                return InsideTriangle(x + 0.5, y + 0.5);
        }
    }

    private bool InsideTriangle(double x, double y)
    {
        double Edge((double X, double Y) a, (double X, double Y) b) => (b.X - a.X) * (y - a.Y) - (b.Y - a.Y) * (x - a.X);
        double e0 = Edge(_corners[0], _corners[1]), e1 = Edge(_corners[1], _corners[2]), e2 = Edge(_corners[2], _corners[0]);
        return (e0 >= 0 && e1 >= 0 && e2 >= 0) || (e0 <= 0 && e1 <= 0 && e2 <= 0);
    }

    /// <summary>Surface colour: solid, stripes, checks or speckles of the shape's two colours.</summary>
    public (double R, double G, double B) Color(int x, int y)
    {
        double t = _texture switch
        {
            0 => 0.15 * SyntheticTextures.Hash(x, y, _salt),
            1 => Math.Sin((Math.Cos(_stripeAngle) * x + Math.Sin(_stripeAngle) * y) * 2 * Math.PI / _stripePeriod) > 0 ? 1 : 0,
            2 => ((int)Math.Floor(x / _stripePeriod) + (int)Math.Floor(y / _stripePeriod)) % 2 == 0 ? 1 : 0,
            _ => SyntheticTextures.Hash(x / 2, y / 2, _salt) > 0.6 ? 1 : 0,
        };
        return (SyntheticTextures.Lerp(_color.R, _accent.R, t), SyntheticTextures.Lerp(_color.G, _accent.G, t), SyntheticTextures.Lerp(_color.B, _accent.B, t));
    }
}
