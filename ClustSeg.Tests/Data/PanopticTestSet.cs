using System.Text.Json;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Imaging.Png;

namespace ClustSeg.Tests.Data;

/// <summary>Writes small COCO panoptic sets for tests: maps drawn as text (one char per pixel, '.' = void).</summary>
internal static class PanopticTestSet
{
    public static readonly object[] Categories =
    [
        new { id = 1, name = "person", isthing = 1 },
        new { id = 2, name = "car", isthing = 1 },
        new { id = 10, name = "sky", isthing = 0 },
        new { id = 11, name = "road", isthing = 0 },
    ];

    /// <summary>Each char of <paramref name="rows"/> is looked up in <paramref name="ids"/>; '.' is void.</summary>
    public static PanopticSegmentMap Map(string[] rows, IReadOnlyDictionary<char, int> ids)
    {
        var values = rows.SelectMany(r => r.Select(c => c == '.' ? 0 : ids[c])).ToArray();
        return new PanopticSegmentMap(rows[0].Length, rows.Length, values);
    }

    /// <summary>Writes NAME.json and NAME/1.png for one image; returns the JSON path.</summary>
    public static string Write(TempFolder temp, string name, PanopticSegmentMap map, object[] segments, bool withCategories = true, bool withImages = true)
    {
        PngEncoder.Write(temp.File($"{name}/1.png"), map.ToPng());
        var json = new Dictionary<string, object>
        {
            ["annotations"] = new[] { new { image_id = 1, file_name = "1.png", segments_info = segments } },
        };
        if (withImages) json["images"] = new[] { new { id = 1, width = map.Width, height = map.Height, file_name = "1.jpg" } };
        if (withCategories) json["categories"] = Categories;
        return temp.File(name + ".json", JsonSerializer.Serialize(json));
    }

    public static object Segment(int id, int category, long area = 0, int crowd = 0) =>
        new { id, category_id = category, iscrowd = crowd, area };
}
