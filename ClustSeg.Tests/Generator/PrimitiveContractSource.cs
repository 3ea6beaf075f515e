using System.Text;
using ClustSeg.Generators.Catalog;

namespace ClustSeg.Tests.Generator;

/// <summary>
/// Declarations of the primitive layer classes that the runtime does not define yet, with exactly the signatures
/// the generator's contract states (PrimitiveContract) and bodies that refuse to run. Compiling generated code
/// against them checks that the code and the documented contract agree; classes the runtime already defines are
/// left out, so the real ones are compiled against as they land.
/// </summary>
internal static class PrimitiveContractSource
{
    public static string ForMissingLayers()
    {
        var runtime = typeof(ClustSeg.Runtime.Nn.Module).Assembly;
        var text = new StringBuilder();
        text.AppendLine("#pragma warning disable CS1591 // declarations for the compile check only");
        text.AppendLine("using System.Collections.Generic;");
        text.AppendLine("using ClustSeg.Runtime.Nn;");
        text.AppendLine("using ClustSeg.Runtime.Tensors;");
        text.AppendLine($"namespace {PrimitiveContract.Namespace};");
        foreach (var primitive in PrimitiveCatalog.All)
        {
            if (runtime.GetType($"{PrimitiveContract.Namespace}.{primitive.RuntimeClass}") is not null) continue;
            text.AppendLine($"public sealed class {primitive.RuntimeClass} : {PrimitiveContract.BaseClass(primitive)}");
            text.AppendLine("{");
            text.AppendLine($"    {PrimitiveContract.Constructor(primitive)} {{ }}");
            foreach (var method in PrimitiveContract.Methods(primitive))
            {
                text.AppendLine($"    public override {method} => throw new System.NotSupportedException(\"contract declaration only\");");
            }
            text.AppendLine("}");
        }
        return text.ToString();
    }
}
