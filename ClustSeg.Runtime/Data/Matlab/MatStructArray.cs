using System.Diagnostics.CodeAnalysis;

namespace ClustSeg.Runtime.Data.Matlab;

/// <summary>A MATLAB structure array: every element has the same named fields.</summary>
public sealed class MatStructArray : MatArray
{
    private readonly string[] _fieldNames;
    private readonly MatArray[] _values;

    internal MatStructArray(string name, int[] dimensions, string[] fieldNames, MatArray[] values)
        : base(name, dimensions, MatClass.Struct)
    {
        _fieldNames = fieldNames;
        _values = values;
    }

    /// <summary>The field names in file order.</summary>
    public IReadOnlyList<string> FieldNames => _fieldNames;

    /// <summary>Looks up field <paramref name="field"/> of element <paramref name="element"/> (column-major index).</summary>
    public bool TryGetField(int element, string field, [MaybeNullWhen(false)] out MatArray value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(element);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(element, ElementCount);
        var index = Array.IndexOf(_fieldNames, field);
        value = index >= 0 ? _values[element * _fieldNames.Length + index] : null;
        return index >= 0;
    }

    /// <summary>Field <paramref name="field"/> of element <paramref name="element"/>; throws listing the fields when absent.</summary>
    public MatArray GetField(int element, string field) =>
        TryGetField(element, field, out var value)
            ? value
            : throw new KeyNotFoundException(
                $"Struct '{Name}' has no field '{field}' (fields: {string.Join(", ", FieldNames)}).");
}
