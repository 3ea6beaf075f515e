using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>
/// Reads MATLAB v5 (and v6/v7, which share the format) .mat files: the 128-byte header, uncompressed and
/// zlib-compressed (miCOMPRESSED) variables, numeric, logical, char, cell and struct arrays, either byte order.
/// v4 and v7.3 (HDF5) files, sparse arrays and objects are rejected with a <see cref="MatFileException"/>.
/// </summary>
public sealed class MatFile
{
    /// <summary>Size of the fixed header that precedes the data elements.</summary>
    public const int HeaderSize = 128;

    private MatFile(string path, string headerText, IReadOnlyList<MatArray> variables)
    {
        Path = path;
        HeaderText = headerText;
        Variables = variables;
    }

    /// <summary>The file read (or the name given to <see cref="Parse"/>).</summary>
    public string Path { get; }

    /// <summary>The descriptive text at the start of the header, trailing spaces removed.</summary>
    public string HeaderText { get; }

    /// <summary>The variables in file order.</summary>
    public IReadOnlyList<MatArray> Variables { get; }

    /// <summary>Reads and parses the file at <paramref name="path"/>.</summary>
    public static MatFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"MAT file '{path}' does not exist.", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses the bytes of a .mat file; <paramref name="sourceName"/> names it in errors.</summary>
    public static MatFile Parse(byte[] contents, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(contents);
        ArgumentNullException.ThrowIfNull(sourceName);
        var (headerText, bigEndian) = ReadHeader(contents, sourceName);
        var variables = new MatElementParser(sourceName, bigEndian).ReadVariables(contents, HeaderSize);
        return new MatFile(sourceName, headerText, variables);
    }

    /// <summary>Looks up a variable by name.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out MatArray variable)
    {
        variable = Variables.FirstOrDefault(v => v.Name == name);
        return variable is not null;
    }

    /// <summary>The variable called <paramref name="name"/>; throws a <see cref="MatFileException"/> listing the variables when absent.</summary>
    public MatArray Get(string name) =>
        TryGet(name, out var variable)
            ? variable
            : throw new MatFileException(Path,
                $"has no variable '{name}' (variables: {(Variables.Count == 0 ? "none" : string.Join(", ", Variables.Select(v => v.Name)))})");

    private static (string Text, bool BigEndian) ReadHeader(byte[] contents, string sourceName)
    {
        if (contents.Length < HeaderSize)
            throw new MatFileException(sourceName,
                $"is {contents.Length} bytes long, shorter than the {HeaderSize}-byte MAT v5 header; the file is truncated or not a .mat file");
        var text = Encoding.ASCII.GetString(contents, 0, 116).TrimEnd(' ', '\0');
        var endian = Encoding.ASCII.GetString(contents, 126, 2);
        var bigEndian = endian switch
        {
            "IM" => false,
            "MI" => true,
            _ => throw new MatFileException(sourceName,
                $"bad header: bytes 126-127 should be the endian indicator 'IM' or 'MI', found 0x{contents[126]:X2} 0x{contents[127]:X2}; " +
                "this is not a MATLAB v5 .mat file (v4 files are not supported; re-save with save(..., '-v7'))"),
        };
        var version = bigEndian ? (contents[124] << 8) | contents[125] : contents[124] | (contents[125] << 8);
        if (version == 0x0200)
            throw new MatFileException(sourceName,
                "is a MAT v7.3 (HDF5) file, which this reader does not support; re-save it with save(..., '-v7')");
        if (version != 0x0100)
            throw new MatFileException(sourceName,
                $"bad header: version field is 0x{version:X4}, expected 0x0100 (MAT v5)");
        return (text, bigEndian);
    }
}
