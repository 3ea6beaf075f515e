using System.Text.Json;

namespace ClustSeg.Runtime.Data.Coco;

/// <summary>A COCO category: id, name, whether it is a countable thing (panoptic "isthing"), optional colour.</summary>
/// <param name="Id">The category id used by annotations.</param>
/// <param name="Name">Human-readable name.</param>
/// <param name="IsThing">True for thing (countable) classes, false for stuff; instance datasets are all things.</param>
/// <param name="Supercategory">Optional supercategory name.</param>
/// <param name="Color">Optional RGB display colour (panoptic category files carry one).</param>
public sealed record CocoCategory(int Id, string Name, bool IsThing, string? Supercategory = null, byte[]? Color = null)
{
    internal static List<CocoCategory> ParseList(CocoJson json, JsonElement array, string where, bool defaultIsThing)
    {
        var categories = new List<CocoCategory>();
        var seen = new HashSet<int>();
        var i = 0;
        foreach (var item in json.Array(array, where))
        {
            var at = $"{where}[{i++}]";
            var id = json.Int32(json.Required(item, "id", at), at + ".id");
            if (!seen.Add(id)) throw json.Error(at, $"category id {id} appears more than once.");
            var name = json.Optional(item, "name") is { } n ? json.String(n, at + ".name") : id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var isThing = json.Optional(item, "isthing") is { } t ? json.Flag(t, at + ".isthing") : defaultIsThing;
            var super = json.Optional(item, "supercategory") is { } s ? json.String(s, at + ".supercategory") : null;
            byte[]? color = null;
            if (json.Optional(item, "color") is { } c)
            {
                var rgb = json.Doubles(c, at + ".color");
                if (rgb.Length != 3 || rgb.Any(v => v is < 0 or > 255 || v != Math.Floor(v)))
                    throw json.Error(at + ".color", "expected three integers 0..255.");
                color = [(byte)rgb[0], (byte)rgb[1], (byte)rgb[2]];
            }
            categories.Add(new CocoCategory(id, name, isThing, super, color));
        }
        return categories;
    }
}
