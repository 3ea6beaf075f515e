using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ClustSeg.Runtime.Nn.Safetensors;

namespace ClustSeg.Tests.Generator;

public sealed class SafetensorsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("clustseg-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WritesTheSafetensorsLayoutAndReadsItBack()
    {
        var path = Path.Combine(_directory, "model.safetensors");
        var weight = new SafetensorsTensor("backbone.stem.conv1.weight", [2, 1, 1, 3], [1f, -2f, 3.5f, 0.25f, -0f, 1e-30f]);
        var bank = new SafetensorsTensor("seeds.bank", [3], [7f, 8f, 9f]);
        var metadata = new Dictionary<string, string> { ["model"] = "TinyResNet", ["class_names"] = "[\"a\",\"b\"]" };

        SafetensorsFile.Write(path, [weight, bank], metadata);

        // The layout, checked byte by byte against the format rather than against our reader.
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength));
        Assert.Equal("TinyResNet", header.RootElement.GetProperty("__metadata__").GetProperty("model").GetString());
        var entry = header.RootElement.GetProperty("seeds.bank");
        Assert.Equal("F32", entry.GetProperty("dtype").GetString());
        Assert.Equal([3], entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([24L, 36L], entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(8f, BitConverter.ToSingle(bytes, 8 + headerLength + 24 + 4));
        Assert.Equal(8 + headerLength + 36, bytes.Length);

        var read = SafetensorsFile.Read(path);
        Assert.Equal(metadata, read.Metadata);
        Assert.Equal(["backbone.stem.conv1.weight", "seeds.bank"], read.Tensors.Select(t => t.Name));
        Assert.Equal(weight.Shape, read.Tensors[0].Shape);
        Assert.Equal(weight.Data.Select(BitConverter.SingleToInt32Bits), read.Tensors[0].Data.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(bank.Data, read.Tensors[1].Data);
    }

    [Fact]
    public void ReadsAFileWrittenByAnotherTool()
    {
        // Header as the reference Python implementation writes it: tensors sorted, no metadata, space padding.
        var json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}";
        while ((8 + json.Length) % 8 != 0) json += " ";
        var path = Path.Combine(_directory, "other.safetensors");
        using (var stream = File.Create(path))
        {
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
            stream.Write(length);
            stream.Write(Encoding.UTF8.GetBytes(json));
            foreach (var value in new[] { 1.5f, -2f, 42f }) stream.Write(BitConverter.GetBytes(value));
        }

        var file = SafetensorsFile.Read(path);

        Assert.Empty(file.Metadata);
        Assert.Equal([1.5f, -2f], file.Tensors.Single(t => t.Name == "a").Data);
        Assert.Equal([42f], file.Tensors.Single(t => t.Name == "b").Data);
        Assert.Equal([1, 1], file.Tensors.Single(t => t.Name == "b").Shape);
    }

    [Fact]
    public void OverwritesAtomicallyAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_directory, "ckpt.safetensors");
        SafetensorsFile.Write(path, [new SafetensorsTensor("w", [1], [1f])]);
        SafetensorsFile.Write(path, [new SafetensorsTensor("w", [2], [2f, 3f])]);

        Assert.Equal([2f, 3f], SafetensorsFile.Read(path).Tensors.Single().Data);
        Assert.Equal([path], Directory.GetFiles(_directory));

        // A rejected write leaves the previous checkpoint as it was.
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(path, [new SafetensorsTensor("w", [3], [1f])]));
        Assert.Equal([2f, 3f], SafetensorsFile.Read(path).Tensors.Single().Data);
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Theory]
    [InlineData("truncated", "header length")]
    [InlineData("F16", "only F32 is supported")]
    [InlineData("offsets", "do not hold 2 float32 values inside the file")]
    [InlineData("json", "not valid JSON")]
    public void MalformedFilesFailNamingTheFileAndTheProblem(string kind, string expected)
    {
        var path = Path.Combine(_directory, kind + ".safetensors");
        var header = kind switch
        {
            "F16" => "{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}",
            "offsets" => "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,800]}}",
            "json" => "{\"w\":",
            _ => "",
        };
        var bytes = new List<byte>();
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, kind == "truncated" ? 4096UL : (ulong)header.Length);
        bytes.AddRange(length);
        bytes.AddRange(Encoding.UTF8.GetBytes(header));
        bytes.AddRange(new byte[8]);
        File.WriteAllBytes(path, bytes.ToArray());

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }
}
