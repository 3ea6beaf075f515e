using System;
using System.Globalization;
using System.Linq;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Checking;

/// <summary>Translates type-checked spec expressions into C# expressions over the generated class's members.</summary>
internal static class CSharpExpressions
{
    public static string TypeName(ScalarType type) => type switch
    {
        ScalarType.Int => "int",
        ScalarType.Float => "float",
        ScalarType.Bool => "bool",
        ScalarType.IntList => "global::System.Collections.Generic.IReadOnlyList<int>",
        _ => "global::System.Collections.Generic.IReadOnlyList<float>",
    };

    /// <summary>
    /// The C# text of <paramref name="expr"/>; names are mapped by <paramref name="name"/>. List literals become
    /// float arrays when <paramref name="expected"/> is float[].
    /// </summary>
    public static string Translate(Expr expr, Func<string, string> name, ScalarType? expected = null)
    {
        switch (expr)
        {
            case NumberExpr number:
                if (!number.IsFloat && expected != ScalarType.Float) return ((long)number.Value).ToString(CultureInfo.InvariantCulture);
                return FloatLiteral(number.Value);
            case BoolExpr flag:
                return flag.Value ? "true" : "false";
            case NameExpr identifier:
                return name(identifier.Name);
            case UnaryExpr unary:
                return $"({unary.Op}{Translate(unary.Operand, name)})";
            case BinaryExpr binary:
                return $"({Translate(binary.Left, name)} {binary.Op} {Translate(binary.Right, name)})";
            case TernaryExpr ternary:
                return $"({Translate(ternary.Condition, name)} ? {Translate(ternary.Then, name, expected)} : {Translate(ternary.Else, name, expected)})";
            case IndexExpr index:
                return $"{Translate(index.Target, name)}[{Translate(index.Index, name)}]";
            case ListExpr list:
                var isFloat = expected == ScalarType.FloatList || list.Items.Any(i => i is NumberExpr { IsFloat: true });
                var element = isFloat ? ScalarType.Float : ScalarType.Int;
                return $"new {(isFloat ? "float" : "int")}[] {{ {string.Join(", ", list.Items.Select(i => Translate(i, name, element)))} }}";
            case CallExpr call:
                var args = call.Args.Select(a => Translate(a.Value, name)).ToList();
                var function = ((NameExpr)call.Callee).Name;
                return function == "len" ? $"{args[0]}.Count" : $"global::System.Math.{(function == "min" ? "Min" : "Max")}({args[0]}, {args[1]})";
        }
        throw new InvalidOperationException("Untranslatable expression " + expr.GetType().Name);
    }

    public static string FloatLiteral(double value)
    {
        var text = ((float)value).ToString("R", CultureInfo.InvariantCulture);
        return text + "f";
    }

    /// <summary>A constant value as a C# default-parameter literal.</summary>
    public static string Literal(Scalar value) => value.Type switch
    {
        ScalarType.Int => value.Int.ToString(CultureInfo.InvariantCulture),
        ScalarType.Float => FloatLiteral(value.Number),
        ScalarType.Bool => value.Flag ? "true" : "false",
        _ => "null",
    };
}
