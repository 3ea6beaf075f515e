using System.Text.Json;

namespace ClustSeg.Runtime.Data.Coco;

/// <summary>
/// Typed access to COCO JSON with errors that name the file, the element (e.g. "annotations[3].segments_info[1]")
/// and what was expected, so a malformed annotation file is reported precisely instead of failing later.
/// </summary>
internal readonly struct CocoJson(string file)
{
    public string File { get; } = file;

    public static JsonDocument Parse(string path)
    {
        if (!System.IO.File.Exists(path))
            throw new DataFileException(path, "file does not exist. Check the path given for the COCO JSON.");
        try
        {
            using var stream = System.IO.File.OpenRead(path);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new DataFileException(path, $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {e.Message}", e);
        }
    }

    public DataFileException Error(string where, string problem) => new(File, $"{where}: {problem}");

    public JsonElement Required(JsonElement obj, string name, string where)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Error(where, $"expected a JSON object, found {obj.ValueKind}.");
        if (!obj.TryGetProperty(name, out var value)) throw Error(where, $"missing required field \"{name}\".");
        return value;
    }

    public JsonElement? Optional(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public JsonElement.ArrayEnumerator Array(JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Array) throw Error(where, $"expected a JSON array, found {value.ValueKind}.");
        return value.EnumerateArray();
    }

    public long Int64(JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt64(out var integer)) return integer;
            // Some writers emit integral ids as 12.0.
            var real = value.GetDouble();
            if (real == Math.Floor(real) && Math.Abs(real) < 9e15) return (long)real;
        }
        throw Error(where, $"expected an integer, found {Describe(value)}.");
    }

    public int Int32(JsonElement value, string where)
    {
        var integer = Int64(value, where);
        if (integer is < int.MinValue or > int.MaxValue) throw Error(where, $"integer {integer} is out of range.");
        return (int)integer;
    }

    public double Double(JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.Number) return value.GetDouble();
        throw Error(where, $"expected a number, found {Describe(value)}.");
    }

    public string String(JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.String) return value.GetString()!;
        throw Error(where, $"expected a string, found {Describe(value)}.");
    }

    /// <summary>COCO flags (iscrowd, isthing) are 0/1 integers; true/false is accepted too.</summary>
    public bool Flag(JsonElement value, string where)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
        }
        var integer = Int64(value, where);
        if (integer is 0 or 1) return integer == 1;
        throw Error(where, $"expected 0 or 1, found {integer}.");
    }

    public double[] Doubles(JsonElement value, string where)
    {
        var list = new List<double>();
        var i = 0;
        foreach (var item in Array(value, where)) list.Add(Double(item, $"{where}[{i++}]"));
        return list.ToArray();
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        _ => value.ValueKind.ToString(),
    };
}
