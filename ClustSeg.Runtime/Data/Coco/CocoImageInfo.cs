using System.Text.Json;

namespace ClustSeg.Runtime.Data.Coco;

/// <summary>An entry of a COCO "images" list.</summary>
/// <param name="Id">Image id referenced by annotations.</param>
/// <param name="FileName">File name of the image, relative to the image folder.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record CocoImageInfo(long Id, string FileName, int Width, int Height)
{
    internal static List<CocoImageInfo> ParseList(CocoJson json, JsonElement array)
    {
        var images = new List<CocoImageInfo>();
        var seen = new HashSet<long>();
        var i = 0;
        foreach (var item in json.Array(array, "images"))
        {
            var at = $"images[{i++}]";
            var id = json.Int64(json.Required(item, "id", at), at + ".id");
            if (!seen.Add(id)) throw json.Error(at, $"image id {id} appears more than once.");
            var width = json.Int32(json.Required(item, "width", at), at + ".width");
            var height = json.Int32(json.Required(item, "height", at), at + ".height");
            if (width < 1 || height < 1) throw json.Error(at, $"image size {width}x{height} is not positive.");
            var fileName = json.Optional(item, "file_name") is { } f ? json.String(f, at + ".file_name") : "";
            images.Add(new CocoImageInfo(id, fileName, width, height));
        }
        return images;
    }
}
