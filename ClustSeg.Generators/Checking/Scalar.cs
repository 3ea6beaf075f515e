using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ClustSeg.Generators.Checking;

/// <summary>The static type of a compile-time value in a spec expression.</summary>
internal enum ScalarType
{
    Int,
    Float,
    Bool,
    IntList,
    FloatList,
}

/// <summary>A compile-time value (a parameter, a let, a loop index) while elaborating a model.</summary>
internal sealed class Scalar : IEquatable<Scalar>
{
    private Scalar(ScalarType type, double number, bool flag, IReadOnlyList<double>? list)
    {
        Type = type;
        Number = number;
        Flag = flag;
        List = list ?? Array.Empty<double>();
    }

    public ScalarType Type { get; }

    public double Number { get; }

    public bool Flag { get; }

    public IReadOnlyList<double> List { get; }

    public long Int => (long)Number;

    public static Scalar FromInt(long value) => new(ScalarType.Int, value, false, null);

    public static Scalar FromFloat(double value) => new(ScalarType.Float, value, false, null);

    public static Scalar FromBool(bool value) => new(ScalarType.Bool, 0, value, null);

    public static Scalar FromList(ScalarType type, IEnumerable<double> items) => new(type, 0, false, items.ToArray());

    public bool Equals(Scalar? other) =>
        other is not null && Type == other.Type && Number.Equals(other.Number) && Flag == other.Flag && List.SequenceEqual(other.List);

    public override bool Equals(object? obj) => Equals(obj as Scalar);

    public override int GetHashCode() => ToString().GetHashCode();

    public override string ToString() => Type switch
    {
        ScalarType.Int => Int.ToString(CultureInfo.InvariantCulture),
        ScalarType.Float => Number.ToString("R", CultureInfo.InvariantCulture),
        ScalarType.Bool => Flag ? "true" : "false",
        ScalarType.IntList => "[" + string.Join(", ", List.Select(v => ((long)v).ToString(CultureInfo.InvariantCulture))) + "]",
        _ => "[" + string.Join(", ", List.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]",
    };

    public static string Describe(ScalarType type) => type switch
    {
        ScalarType.Int => "an int",
        ScalarType.Float => "a float",
        ScalarType.Bool => "a bool",
        ScalarType.IntList => "an int[]",
        _ => "a float[]",
    };

    /// <summary>Whether a value of type <paramref name="from"/> may be passed where <paramref name="to"/> is expected (int widens to float).</summary>
    public static bool IsAssignable(ScalarType from, ScalarType to) =>
        from == to || (from == ScalarType.Int && to == ScalarType.Float) || (from == ScalarType.IntList && to == ScalarType.FloatList);

    public static ScalarType FromSyntax(Parsing.TypeRef type) => type.Kind switch
    {
        Parsing.ScalarKind.Int => type.IsList ? ScalarType.IntList : ScalarType.Int,
        Parsing.ScalarKind.Float => type.IsList ? ScalarType.FloatList : ScalarType.Float,
        _ => ScalarType.Bool,
    };

    public static ScalarType FromKind(Parsing.ScalarKind kind) => kind switch
    {
        Parsing.ScalarKind.Int => ScalarType.Int,
        Parsing.ScalarKind.Float => ScalarType.Float,
        _ => ScalarType.Bool,
    };

    /// <summary>Converts an int to float where a float is expected.</summary>
    public Scalar ConvertTo(ScalarType target) => (Type, target) switch
    {
        (ScalarType.Int, ScalarType.Float) => FromFloat(Number),
        (ScalarType.IntList, ScalarType.FloatList) => FromList(ScalarType.FloatList, List),
        _ => this,
    };
}
