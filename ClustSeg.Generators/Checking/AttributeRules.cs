using System;
using System.Collections.Generic;
using ClustSeg.Generators.Catalog;
using ClustSeg.Generators.Diagnostics;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Checking;

/// <summary>Checks a primitive's attribute values once they are known (sizes positive, channels divisible by groups).</summary>
internal static class AttributeRules
{
    private static readonly HashSet<string> Positive = new()
    {
        "in_channels", "out_channels", "kernel", "stride", "dilation", "groups", "channels", "in_features",
        "out_features", "heads", "rows", "out_h", "out_w",
    };

    /// <summary>Reports through <paramref name="fail"/> (attribute name, descriptor, message).</summary>
    public static void Validate(PrimitiveDefinition primitive, string layer, IReadOnlyDictionary<string, Scalar> values, Action<string, DiagnosticDescriptor, string> fail)
    {
        foreach (var pair in values)
        {
            var name = pair.Key;
            var value = pair.Value;
            // 'dim' is a size for layer_norm but an axis for softmax; 'factor' a size for resize but any number for scale.
            var positive = Positive.Contains(name) ||
                (name == "dim" && primitive.Rule is ShapeRule.LayerNorm or ShapeRule.RowEmbedding) ||
                (name == "factor" && primitive.Rule == ShapeRule.ResizeFactor);
            if (positive && value.Int < 1) fail(name, SpecDiagnostics.InvalidValue, $"'{layer}' needs {name} >= 1, but it is {value.Int}");
            if (name == "padding" && value.Int < 0) fail(name, SpecDiagnostics.InvalidValue, $"'{layer}' needs padding >= 0, but it is {value.Int}");
            if (name == "eps" && !(value.Number > 0)) fail(name, SpecDiagnostics.InvalidValue, $"'{layer}' needs eps > 0, but it is {value}");
        }
        void Divisible(string size, string by, string why)
        {
            if (!values.TryGetValue(size, out var a) || !values.TryGetValue(by, out var b) || b.Int < 1 || a.Int % b.Int == 0) return;
            fail(size, SpecDiagnostics.NotDivisible, $"'{layer}' needs {size} ({a.Int}) to be a multiple of {by} ({b.Int}) {why}");
        }
        switch (primitive.Rule)
        {
            case ShapeRule.Conv2d:
                Divisible("in_channels", "groups", "for a grouped convolution");
                Divisible("out_channels", "groups", "for a grouped convolution");
                break;
            case ShapeRule.GroupNorm:
                Divisible("channels", "groups", "so the groups are equal");
                break;
            case ShapeRule.SinePosition:
                if (values["channels"].Int % 4 != 0)
                {
                    fail("channels", SpecDiagnostics.NotDivisible, $"'{layer}' needs channels ({values["channels"].Int}) to be a multiple of 4 (sin and cos for y, then for x)");
                }
                break;
        }
    }
}
