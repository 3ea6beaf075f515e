using System.Text.Json;

namespace ClustSeg.Runtime.Data.Coco;

/// <summary>Shared pieces of the COCO writers: categories, images and RLE objects.</summary>
internal static class CocoJsonWriter
{
    public static JsonWriterOptions Options => new() { Indented = false };

    public static void WriteCategories(Utf8JsonWriter json, IEnumerable<CocoCategory> categories)
    {
        json.WriteStartArray("categories");
        foreach (var c in categories)
        {
            json.WriteStartObject();
            json.WriteNumber("id", c.Id);
            json.WriteString("name", c.Name);
            if (c.Supercategory is not null) json.WriteString("supercategory", c.Supercategory);
            json.WriteNumber("isthing", c.IsThing ? 1 : 0);
            if (c.Color is { Length: 3 } color)
            {
                json.WriteStartArray("color");
                foreach (var v in color) json.WriteNumberValue(v);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    public static void WriteImages(Utf8JsonWriter json, IEnumerable<CocoImageInfo> images)
    {
        json.WriteStartArray("images");
        foreach (var image in images)
        {
            json.WriteStartObject();
            json.WriteNumber("id", image.Id);
            json.WriteString("file_name", image.FileName);
            json.WriteNumber("width", image.Width);
            json.WriteNumber("height", image.Height);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    public static void WriteRle(Utf8JsonWriter json, string name, Rle rle, bool compressed)
    {
        json.WriteStartObject(name);
        json.WriteStartArray("size");
        json.WriteNumberValue(rle.Height);
        json.WriteNumberValue(rle.Width);
        json.WriteEndArray();
        if (compressed)
        {
            json.WriteString("counts", rle.ToCompressedString());
        }
        else
        {
            json.WriteStartArray("counts");
            foreach (var c in rle.Counts) json.WriteNumberValue(c);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    public static void WriteNumbers(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteNumberValue(v);
        json.WriteEndArray();
    }

    /// <summary>
    /// Writes a COCO panoptic JSON (images, categories, annotations with segments_info) atomically; both the dataset
    /// writer and inference use it, so their files cannot drift apart.
    /// </summary>
    public static void WritePanopticJson(string path, IEnumerable<CocoCategory> categories,
        IReadOnlyList<(CocoImageInfo Image, string FileName, List<PanopticSegmentInfo> Segments)> annotations) =>
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, Options);
            json.WriteStartObject();
            WriteImages(json, annotations.Select(a => a.Image));
            WriteCategories(json, categories);
            json.WriteStartArray("annotations");
            foreach (var (image, fileName, segments) in annotations)
            {
                json.WriteStartObject();
                json.WriteNumber("image_id", image.Id);
                json.WriteString("file_name", fileName);
                json.WriteStartArray("segments_info");
                foreach (var segment in segments)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", segment.Id);
                    json.WriteNumber("category_id", segment.CategoryId);
                    json.WriteNumber("iscrowd", segment.IsCrowd ? 1 : 0);
                    json.WriteNumber("area", segment.Area);
                    WriteNumbers(json, "bbox", segment.Bbox!);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
}
