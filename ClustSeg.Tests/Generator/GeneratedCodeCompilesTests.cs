using Microsoft.CodeAnalysis;

namespace ClustSeg.Tests.Generator;

public class GeneratedCodeCompilesTests
{
    private static readonly string[] Examples = ["examples/tiny-mlp.cseg", "examples/resnet-gn.cseg", "examples/cluster-decoder.cseg"];

    [Fact]
    public void ExampleSpecsProduceNoDiagnostics()
    {
        var result = GeneratorHarness.Run(Examples.Select(GeneratorHarness.Spec).ToArray());

        Assert.Null(result.Results.Single().Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            ["BasicBlock", "Ffn", "RCross", "Shortcut", "Stem", "TinyClusterDecoder", "TinyMlp", "TinyResNet"],
            result.Results.Single().GeneratedSources.Select(s => s.HintName.Split('.')[^3]).Order());
    }

    [Fact]
    public void GeneratedCodeCompilesAgainstTheRuntimeWithoutWarnings()
    {
        var (output, generatorDiagnostics) = GeneratorHarness.RunAndCompile(
            [PrimitiveContractSource.ForMissingLayers()], Examples.Select(GeneratorHarness.Spec).ToArray());

        Assert.Empty(generatorDiagnostics);
        // Documentation comments are checked too: the Runtime project treats a missing one (CS1591) as an error.
        var problems = output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.ToString())
            .ToList();
        Assert.Empty(problems);
        Assert.Equal(8, output.SyntaxTrees.Count(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)));
    }
}
