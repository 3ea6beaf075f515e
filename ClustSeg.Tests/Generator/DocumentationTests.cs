using ClustSeg.Generators.Catalog;

namespace ClustSeg.Tests.Generator;

/// <summary>docs/spec-language.md must describe the catalog and diagnostics the generator actually has.</summary>
public class DocumentationTests
{
    private static readonly string Docs = File.ReadAllText(Path.Combine(GeneratorHarness.RepositoryRoot, "docs", "spec-language.md"));

    [Fact]
    public void EveryPrimitiveIsDocumentedWithItsSpecSignatureAndConstructor()
    {
        foreach (var primitive in PrimitiveCatalog.All)
        {
            Assert.Contains($"`{PrimitiveContract.SpecSignature(primitive)}`", Docs);
            Assert.Contains(PrimitiveContract.Constructor(primitive) + "\n", Docs.Replace("\r\n", "\n"));
            Assert.Contains($"`{primitive.RuntimeClass}` : `{PrimitiveContract.BaseClass(primitive)}`", Docs);
        }
    }

    [Fact]
    public void EveryDiagnosticIsDocumented()
    {
        var unshipped = File.ReadAllLines(Path.Combine(GeneratorHarness.RepositoryRoot, "ClustSeg.Generators", "AnalyzerReleases.Unshipped.md"));
        var ids = unshipped.Where(l => l.StartsWith("CSEG", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(40, ids.Count);
        foreach (var id in ids) Assert.Contains($"| {id} |", Docs);
    }
}
