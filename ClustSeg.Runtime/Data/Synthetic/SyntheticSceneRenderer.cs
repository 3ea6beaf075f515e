using ClustSeg.Runtime.Data.Training;

namespace ClustSeg.Runtime.Data.Synthetic;

/// <summary>
/// Draws one scene: the background split into stuff regions by a wavy horizon (sky above) and a wavy vertical
/// border (grass and/or water below), then 1 to 6 shapes in order, later ones occluding earlier ones. A shape left
/// with fewer visible pixels than <see cref="MinimumThingArea"/> is removed and the background shows again.
/// </summary>
internal static class SyntheticSceneRenderer
{
    public static int MinimumThingArea(int size) => Math.Max(12, size * size / 512);

    public static SyntheticScene Render(int size, TrainingRandom random)
    {
        var n = size * size;
        var rgb = new byte[n * 3];
        var classes = new byte[n];
        var background = Background(size, random, rgb, classes);
        var backgroundRgb = (byte[])rgb.Clone();

        var owner = new int[n]; // index + 1 of the shape that shows at the pixel, 0 = background
        var shapes = new List<SyntheticShape>();
        var shapeCount = random.NextInt(1, 7);
        var occluded = 0;
        for (var s = 0; s < shapeCount; s++)
        {
            var shape = new SyntheticShape(random.NextInt(SyntheticClasses.ThingCount), size, random);
            shapes.Add(shape);
            var (x0, y0, x1, y1) = shape.Bounds(size);
            for (var y = y0; y <= y1; y++)
                for (var x = x0; x <= x1; x++)
                {
                    if (!shape.Contains(x, y)) continue;
                    var i = y * size + x;
                    if (owner[i] != 0) occluded++;
                    owner[i] = s + 1;
                    var (r, g, b) = shape.Color(x, y);
                    rgb[3 * i] = SyntheticTextures.Clamp(r);
                    rgb[3 * i + 1] = SyntheticTextures.Clamp(g);
                    rgb[3 * i + 2] = SyntheticTextures.Clamp(b);
                    classes[i] = (byte)shape.ClassId;
                }
        }

        var visible = new long[shapeCount + 1];
        foreach (var o in owner) visible[o]++;
        var minimum = MinimumThingArea(size);
        for (var i = 0; i < n; i++)
        {
            var o = owner[i];
            if (o == 0 || visible[o] >= minimum) continue;
            owner[i] = 0;
            classes[i] = background[i];
            rgb[3 * i] = backgroundRgb[3 * i];
            rgb[3 * i + 1] = backgroundRgb[3 * i + 1];
            rgb[3 * i + 2] = backgroundRgb[3 * i + 2];
        }

        // Segment ids: kept shapes 1.. in drawing order, then one per stuff class present.
        var shapeSegment = new int[shapeCount + 1];
        var nextId = 1;
        var segmentClass = new List<int>();
        for (var s = 1; s <= shapeCount; s++)
            if (visible[s] >= minimum)
            {
                shapeSegment[s] = nextId++;
                segmentClass.Add(shapes[s - 1].ClassId);
            }
        var stuffSegment = new int[SyntheticClasses.All.Count];
        var ids = new int[n];
        for (var i = 0; i < n; i++)
            if (owner[i] == 0) stuffSegment[classes[i]] = 1;
        foreach (var c in SyntheticClasses.All.Where(c => !c.IsThing))
            if (stuffSegment[c.Id] == 1)
            {
                stuffSegment[c.Id] = nextId++;
                segmentClass.Add(c.Id);
            }
        for (var i = 0; i < n; i++) ids[i] = owner[i] != 0 ? shapeSegment[owner[i]] : stuffSegment[classes[i]];

        return new SyntheticScene(size, rgb, classes, ids, Describe(size, ids, segmentClass)) { OccludedPixels = occluded };
    }

    private static List<SyntheticSegment> Describe(int size, int[] ids, List<int> segmentClass)
    {
        var count = segmentClass.Count;
        var area = new long[count + 1];
        var x0 = Enumerable.Repeat(int.MaxValue, count + 1).ToArray();
        var y0 = Enumerable.Repeat(int.MaxValue, count + 1).ToArray();
        var x1 = new int[count + 1];
        var y1 = new int[count + 1];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var id = ids[y * size + x];
                area[id]++;
                x0[id] = Math.Min(x0[id], x);
                y0[id] = Math.Min(y0[id], y);
                x1[id] = Math.Max(x1[id], x);
                y1[id] = Math.Max(y1[id], y);
            }
        return Enumerable.Range(1, count).Select(id => new SyntheticSegment(id, segmentClass[id - 1], area[id], x0[id], y0[id], x1[id], y1[id])).ToList();
    }

    /// <summary>Paints the stuff regions and returns the class of every pixel.</summary>
    private static byte[] Background(int size, TrainingRandom random, byte[] rgb, byte[] classes)
    {
        var hasSky = random.Chance(0.75);
        var horizon = hasSky ? random.NextDouble(0.2, 0.6) * size : -1.0;
        var horizonAmplitude = random.NextDouble(0, 0.08) * size;
        var horizonFrequency = random.NextDouble(0.5, 2.5) * 2 * Math.PI / size;
        var horizonPhase = random.NextDouble(0, 2 * Math.PI);
        var ground = random.NextInt(3) switch
        {
            0 => new[] { SyntheticClasses.Grass },
            1 => [SyntheticClasses.Water],
            _ => random.Chance(0.5) ? [SyntheticClasses.Grass, SyntheticClasses.Water] : [SyntheticClasses.Water, SyntheticClasses.Grass],
        };
        var border = random.NextDouble(0.25, 0.75) * size;
        var borderSlope = random.NextDouble(-0.6, 0.6);
        var borderAmplitude = random.NextDouble(0, 0.06) * size;
        var borderPhase = random.NextDouble(0, 2 * Math.PI);
        var looks = new Dictionary<int, StuffLook>
        {
            [SyntheticClasses.Sky] = new(SyntheticClasses.Sky, random),
            [SyntheticClasses.Grass] = new(SyntheticClasses.Grass, random),
            [SyntheticClasses.Water] = new(SyntheticClasses.Water, random),
        };

        var labels = new byte[size * size];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                int classId;
                if (hasSky && y + 0.5 < horizon + horizonAmplitude * Math.Sin(horizonFrequency * x + horizonPhase))
                    classId = SyntheticClasses.Sky;
                else if (ground.Length == 1)
                    classId = ground[0];
                else
                {
                    var edge = border + borderSlope * (y - size / 2.0) + borderAmplitude * Math.Sin(0.15 * y + borderPhase);
                    classId = x + 0.5 < edge ? ground[0] : ground[1];
                }
                var i = y * size + x;
                labels[i] = (byte)classId;
                classes[i] = (byte)classId;
                var (r, g, b) = looks[classId].Color(x, y, size);
                rgb[3 * i] = SyntheticTextures.Clamp(r);
                rgb[3 * i + 1] = SyntheticTextures.Clamp(g);
                rgb[3 * i + 2] = SyntheticTextures.Clamp(b);
            }
        return labels;
    }
}
