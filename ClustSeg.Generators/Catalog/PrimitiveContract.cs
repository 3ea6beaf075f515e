using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Catalog;

/// <summary>
/// The C# signatures generated code expects of each primitive's runtime class: the base class, the constructor
/// (called with every argument by name) and Forward/Backward. docs/spec-language.md lists the same text, and the
/// tests compile generated code against it.
/// </summary>
internal static class PrimitiveContract
{
    public const string Namespace = "ClustSeg.Runtime.Nn.Layers";

    public static string BaseClass(PrimitiveDefinition primitive)
    {
        if (primitive.CallAttributes.Count > 0) return "IndexedUnaryPrimitive";
        if (primitive.IsVariadic) return "VariadicPrimitive";
        return primitive.Inputs.Count switch
        {
            1 => "UnaryPrimitive",
            2 => "BinaryPrimitive",
            _ => "TernaryPrimitive",
        };
    }

    /// <summary>e.g. <c>public Conv2d(int inChannels, int outChannels, int kernel, int stride, ...)</c>.</summary>
    public static string Constructor(PrimitiveDefinition primitive) =>
        $"public {primitive.RuntimeClass}({string.Join(", ", primitive.Attributes.Select(a => $"{TypeName(a.Kind)} {a.CsName}"))})";

    /// <summary>Forward and Backward as the base class declares them (Tensor and ModuleContext unqualified).</summary>
    public static IReadOnlyList<string> Methods(PrimitiveDefinition primitive) => BaseClass(primitive) switch
    {
        "UnaryPrimitive" => new[] { "Tensor Forward(ModuleContext context, Tensor input)", "Tensor? Backward(ModuleContext context, Tensor? outputGradient)" },
        "BinaryPrimitive" => new[] { "Tensor Forward(ModuleContext context, Tensor first, Tensor second)", "(Tensor? First, Tensor? Second) Backward(ModuleContext context, Tensor? outputGradient)" },
        "TernaryPrimitive" => new[] { "Tensor Forward(ModuleContext context, Tensor first, Tensor second, Tensor third)", "(Tensor? First, Tensor? Second, Tensor? Third) Backward(ModuleContext context, Tensor? outputGradient)" },
        "VariadicPrimitive" => new[] { "Tensor Forward(ModuleContext context, IReadOnlyList<Tensor> inputs)", "Tensor?[] Backward(ModuleContext context, Tensor? outputGradient)" },
        _ => new[] { "Tensor Forward(ModuleContext context, Tensor input, int index)", "Tensor? Backward(ModuleContext context, Tensor? outputGradient)" },
    };

    public static string TypeName(ScalarKind kind) => kind switch
    {
        ScalarKind.Int => "int",
        ScalarKind.Float => "float",
        _ => "bool",
    };

    /// <summary>The spec-side signature, e.g. <c>conv2d(in_channels, out_channels, kernel, stride = 1, ...)</c>.</summary>
    public static string SpecSignature(PrimitiveDefinition primitive)
    {
        var attributes = primitive.Attributes.Select(a => a.Name + (a.Default is { } d ? " = " + Format(d) : a.DefaultFrom is { } from ? " = " + from : ""));
        return $"{primitive.Name}({string.Join(", ", attributes)})";
    }

    private static string Format(object value) => value switch
    {
        bool flag => flag ? "true" : "false",
        double number => number.ToString("R", CultureInfo.InvariantCulture).Replace("E-0", "e-").Replace("E", "e"),
        _ => System.Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };
}
