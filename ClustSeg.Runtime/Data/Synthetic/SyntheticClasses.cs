namespace ClustSeg.Runtime.Data.Synthetic;

/// <summary>A class of the generated dataset.</summary>
/// <param name="Id">Class id (things first, then stuff); the COCO category id is <c>Id + 1</c>.</param>
/// <param name="Name">Class name.</param>
/// <param name="IsThing">Countable shape (true) or textured background region (false).</param>
/// <param name="Color">Colour used for the category in COCO files and overlays.</param>
public sealed record SyntheticClass(int Id, string Name, bool IsThing, byte[] Color);

/// <summary>The fixed class list of the generated dataset: four shape classes, then three background textures.</summary>
public static class SyntheticClasses
{
    /// <summary>Disc (thing).</summary>
    public const int Disc = 0;

    /// <summary>Rotated rectangle (thing).</summary>
    public const int Rectangle = 1;

    /// <summary>Triangle (thing).</summary>
    public const int Triangle = 2;

    /// <summary>Ring: a disc with a hole that shows what lies behind (thing).</summary>
    public const int Ring = 3;

    /// <summary>Sky-like vertical gradient (stuff).</summary>
    public const int Sky = 4;

    /// <summary>Grass-like green noise (stuff).</summary>
    public const int Grass = 5;

    /// <summary>Water-like blue waves (stuff).</summary>
    public const int Water = 6;

    /// <summary>All classes in id order.</summary>
    public static IReadOnlyList<SyntheticClass> All { get; } =
    [
        new(Disc, "disc", true, [220, 20, 60]),
        new(Rectangle, "rectangle", true, [255, 165, 0]),
        new(Triangle, "triangle", true, [148, 0, 211]),
        new(Ring, "ring", true, [255, 255, 0]),
        new(Sky, "sky", false, [135, 206, 235]),
        new(Grass, "grass", false, [34, 139, 34]),
        new(Water, "water", false, [0, 105, 148]),
    ];

    /// <summary>Number of thing classes (ids 0 .. ThingCount - 1).</summary>
    public static int ThingCount => All.Count(c => c.IsThing);
}
