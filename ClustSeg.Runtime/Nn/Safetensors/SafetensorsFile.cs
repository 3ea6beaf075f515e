using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text;
using ClustSeg.Runtime.Data;

namespace ClustSeg.Runtime.Nn.Safetensors;

/// <summary>
/// Reads and writes safetensors files of float32 tensors: an 8-byte little-endian header length, a JSON header
/// (<c>{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}</c>),
/// then the tensors' bytes, offsets relative to the end of the header.
/// </summary>
public sealed class SafetensorsFile
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100_000_000;

    private SafetensorsFile(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafetensorsTensor> tensors)
    {
        Metadata = metadata;
        Tensors = tensors;
    }

    /// <summary>The header's <c>__metadata__</c> (string keys and values).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in file order.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>Writes a file atomically: to a temporary file beside <paramref name="path"/>, then renamed over it.</summary>
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var list = tensors.ToList();
        var duplicate = list.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Tensor name '{duplicate.Key}' appears twice; checkpoint names must be unique.", nameof(tensors));
        foreach (var tensor in list)
        {
            var count = tensor.Shape.Aggregate(1L, (a, d) => a * d);
            if (count != tensor.Data.Length)
            {
                throw new ArgumentException($"Tensor '{tensor.Name}' has shape {tensor.ShapeText} ({count} elements) but {tensor.Data.Length} values.", nameof(tensors));
            }
        }
        var header = Header(list, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var tensor in list) stream.Write(MemoryMarshal.AsBytes(tensor.Data.AsSpan()));
        });
    }

    /// <summary>Reads a file, checking the header's structure and that every tensor's bytes lie inside the file.</summary>
    /// <exception cref="SafetensorsFormatException">The file is truncated, malformed, or holds a dtype other than F32.</exception>
    public static SafetensorsFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new SafetensorsFormatException(path, $"it has {bytes.Length} bytes, fewer than the 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || 8 + (long)headerLength > bytes.Length)
        {
            throw new SafetensorsFormatException(path, $"its header length {headerLength} does not fit in the file of {bytes.Length} bytes");
        }
        var dataStart = 8 + (int)headerLength;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException error)
        {
            throw new SafetensorsFormatException(path, "its header is not valid JSON", error);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new SafetensorsFormatException(path, "its header is not a JSON object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new List<SafetensorsTensor>();
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == MetadataKey)
                {
                    foreach (var item in entry.Value.EnumerateObject())
                    {
                        if (item.Value.ValueKind != JsonValueKind.String) throw new SafetensorsFormatException(path, $"metadata '{item.Name}' is not a string");
                        metadata[item.Name] = item.Value.GetString()!;
                    }
                    continue;
                }
                tensors.Add(ReadTensor(path, entry, bytes, dataStart));
            }
            return new SafetensorsFile(metadata, tensors);
        }
    }

    private static SafetensorsTensor ReadTensor(string path, JsonProperty entry, byte[] bytes, int dataStart)
    {
        var value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object ||
            !value.TryGetProperty("dtype", out var dtype) || !value.TryGetProperty("shape", out var shapeJson) || !value.TryGetProperty("data_offsets", out var offsets) ||
            shapeJson.ValueKind != JsonValueKind.Array || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw new SafetensorsFormatException(path, $"tensor '{entry.Name}' lacks a dtype, shape or data_offsets pair");
        }
        if (dtype.GetString() != "F32") throw new SafetensorsFormatException(path, $"tensor '{entry.Name}' has dtype {dtype.GetString()}, but only F32 is supported");
        var shape = shapeJson.EnumerateArray().Select(d => d.GetInt32()).ToArray();
        var begin = offsets[0].GetInt64();
        var end = offsets[1].GetInt64();
        var count = shape.Aggregate(1L, (a, d) => a * d);
        if (shape.Any(d => d < 0) || begin < 0 || end < begin || end - begin != count * 4 || dataStart + end > bytes.Length)
        {
            throw new SafetensorsFormatException(path,
                $"tensor '{entry.Name}' with shape [{string.Join(", ", shape)}] has data_offsets [{begin}, {end}], which do not hold {count} float32 values inside the file");
        }
        var data = new float[count];
        MemoryMarshal.Cast<byte, float>(bytes.AsSpan(dataStart + (int)begin, (int)(end - begin))).CopyTo(data);
        return new SafetensorsTensor(entry.Name, shape, data);
    }

    private static byte[] Header(List<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var pair in metadata) json.WriteString(pair.Key, pair.Value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.Data.LongLength * 4;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data starts 8-byte aligned, as the reference implementation does.
        var header = buffer.ToArray().ToList();
        while ((8 + header.Count) % 8 != 0) header.Add((byte)' ');
        return header.ToArray();
    }
}
