using System.Text.Json;

namespace ClustSeg.Runtime.Data.Coco;

/// <summary>The segmentation of a COCO instance annotation: polygons or a run-length encoded mask.</summary>
public abstract record CocoSegmentation
{
    /// <summary>
    /// The mask as pycocotools' annToRLE builds it for an image of the given size: polygons are rasterised
    /// (frPoly) and merged by union; RLE is used as stored.
    /// </summary>
    public abstract Rle ToRle(int height, int width);

    internal static CocoSegmentation Parse(CocoJson json, JsonElement value, string where)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                var polygons = new List<double[]>();
                var i = 0;
                foreach (var polygon in json.Array(value, where)) polygons.Add(json.Doubles(polygon, $"{where}[{i++}]"));
                if (polygons.Count == 0) throw json.Error(where, "polygon list is empty; give at least one polygon.");
                if (polygons[0].Length < 4)
                    throw json.Error(where + "[0]", $"polygon has {polygons[0].Length} coordinates; pycocotools needs more than 4 (or exactly 4 for a box).");
                for (var p = 0; p < polygons.Count; p++)
                {
                    var bad = polygons[0].Length == 4 ? polygons[p].Length != 4 : polygons[p].Length < 2 || polygons[p].Length % 2 != 0;
                    if (bad)
                        throw json.Error($"{where}[{p}]", polygons[0].Length == 4
                            ? "when the first polygon has 4 numbers pycocotools reads every entry as a box [x, y, w, h]; this one is not."
                            : $"polygon has {polygons[p].Length} coordinates; expected an even number, at least 2.");
                }
                return new CocoPolygons(polygons);
            case JsonValueKind.Object:
                var size = json.Doubles(json.Required(value, "size", where), where + ".size");
                if (size.Length != 2 || size[0] < 0 || size[1] < 0 || size.Any(v => v != Math.Floor(v)))
                    throw json.Error(where + ".size", "expected [height, width] as two non-negative integers.");
                int height = (int)size[0], width = (int)size[1];
                var counts = json.Required(value, "counts", where);
                try
                {
                    if (counts.ValueKind == JsonValueKind.String)
                        return new CocoRle(Rle.FromCompressedString(counts.GetString()!, height, width), Compressed: true);
                    var runs = new List<uint>();
                    var r = 0;
                    foreach (var run in json.Array(counts, where + ".counts"))
                    {
                        var n = json.Int64(run, $"{where}.counts[{r++}]");
                        if (n is < 0 or > uint.MaxValue) throw json.Error($"{where}.counts[{r - 1}]", $"run length {n} is out of range.");
                        runs.Add((uint)n);
                    }
                    return new CocoRle(new Rle(height, width, runs.ToArray()), Compressed: false);
                }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                    throw json.Error(where + ".counts", $"invalid RLE: {e.Message}");
                }
            default:
                throw json.Error(where, $"expected polygons (a list) or RLE (an object), found {value.ValueKind}.");
        }
    }
}

/// <summary>Polygon segmentation: one or more [x0, y0, x1, y1, ...] outlines (a list of 4-number boxes if the first has 4).</summary>
/// <param name="Polygons">The outlines, in pixel coordinates.</param>
public sealed record CocoPolygons(IReadOnlyList<double[]> Polygons) : CocoSegmentation
{
    /// <inheritdoc />
    public override Rle ToRle(int height, int width)
    {
        // pycocotools' frPyObjects decides by the first entry: exactly 4 numbers means every entry is a box.
        var asBoxes = Polygons[0].Length == 4;
        var parts = Polygons.Select(p => asBoxes ? Rle.FromBbox(p, height, width) : Rle.FromPolygon(p, height, width)).ToList();
        return Rle.Merge(parts);
    }
}

/// <summary>RLE segmentation, as stored (compressed string or uncompressed counts).</summary>
/// <param name="Mask">The mask.</param>
/// <param name="Compressed">Whether the file stored the compressed string form.</param>
public sealed record CocoRle(Rle Mask, bool Compressed) : CocoSegmentation
{
    /// <inheritdoc />
    public override Rle ToRle(int height, int width)
    {
        if (Mask.Height != height || Mask.Width != width)
            throw new ArgumentException($"RLE size {Mask.Height}x{Mask.Width} differs from the image size {height}x{width}.");
        return Mask;
    }
}
