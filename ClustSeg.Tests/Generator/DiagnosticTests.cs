using Microsoft.CodeAnalysis;

namespace ClustSeg.Tests.Generator;

/// <summary>
/// Broken specs and the diagnostics they must produce: ID, file, line and column. In each spec a '«' marks where
/// the diagnostic must point; it is removed before the spec is compiled. Each case must report exactly that one
/// problem (no cascade of follow-on errors or warnings).
/// </summary>
public class DiagnosticTests
{
    private const string Path = "/specs/broken.cseg";

    public static TheoryData<string, string> Cases => new()
    {
        // Syntax
        { "CSEG1001", "model M(c: int = 4) {\n    fc = linear(c, c)\n    forward(x: [B, c]) -> y {\n        y = fc(x) «@\n    }\n}\n" },
        { "CSEG1002", "model M(c: int = 4 «{\n}\n" },
        { "CSEG1004", "block «B(c: int) {\n    fc = linear(c, c)\n}\n" },
        // Names and types
        { "CSEG2001", "model M(c: int = 4) {\n    fc = linear(c, c)\n    forward(x: [B, c]) -> y {\n        y = fc(x) + fc(«z)\n    }\n}\n" },
        { "CSEG2002", "model M(c: int = 4) {\n    fc = «lineer(c, c)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2003", "model M(c: int = 4) {\n    fc = linear(c, c)\n    «fc = linear(c, c)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2004", "model M(c: int = 4) {\n    fc = linear(c, c, true, «1)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2005", "model M(c: int = 4) {\n    fc = linear(c, c, «bais: false)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2006", "model M(c: int = 4) {\n    fc = «linear(c)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2007", "model M(c: int = 4) {\n    fc = linear(c, «2.5)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2008", "model M(c: int = 4) {\n    fc = linear(c, c, «in_features: c)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2009", "model M(c: int = 4) {\n    forward(x: [B, c]) -> y {\n        y = «linear(x)\n    }\n}\n" },
        { "CSEG2010", "model M(c: int = 4) {\n    forward(x: [B, c]) -> y {\n        y = x\n        for i in 0..2 {\n            y = scale(y, factor: «i)\n        }\n    }\n}\n" },
        { "CSEG2011", "model M(c: int = 4) {\n    fc = linear(c, c)\n    forward(x: [B, c]) -> y {\n        y = fc(«h)\n        h = fc(x)\n        y = fc(h)\n    }\n}\n" },
        { "CSEG2012", "model M(c: int = 4) {\n    forward(x: [B, c]) -> (y, «z) {\n        y = relu(x)\n    }\n}\n" },
        { "CSEG2013", "block Two() {\n    forward(x) -> (a, b) {\n        a = relu(x)\n        b = x\n    }\n}\nmodel M(c: int = 4) {\n    two = Two()\n    forward(x: [B, c]) -> y {\n        «y = two(x)\n    }\n}\n" },
        { "CSEG2014", "block A(c: int) {\n    b = «B(c)\n    forward(x) -> y {\n        y = b(x)\n    }\n}\nblock B(c: int) {\n    a = A(c)\n    forward(x) -> y {\n        y = a(x)\n    }\n}\n" },
        { "CSEG2015", "model M(c: int = 4) {\n    forward(x: [B, c]) -> y {\n        y = «x(x)\n    }\n}\n" },
        { "CSEG2016", "model M(c: int = 4) {\n    fc[i in 0..2] = linear(c, c)\n    forward(x: [B, c]) -> y {\n        y = «fc(x)\n    }\n}\n" },
        { "CSEG2017", "model M(c: int = 4) {\n    «path = linear(c, c)\n    forward(x: [B, c]) -> y {\n        y = path(x)\n    }\n}\n" },
        { "CSEG2019", "model M(c: int = 4) {\n    forward(«x) -> y {\n        y = scale(x, factor: c)\n    }\n}\n" },
        // Initialisation overrides
        { "CSEG2020", "model M(c: int = 4) {\n    fc = linear(c, c, weight_init: «gaussian(0, 1))\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2021", "model M(c: int = 4) {\n    fc = linear(c, c, weight_init: «normal(0))\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2021", "model M(c: int = 4) {\n    fc = linear(c, c, bias_init: «zeros(1))\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2022", "model M(c: int = 4) {\n    fc = linear(c, c, «gain_init: ones)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2022", "model M(c: int = 4) {\n    fc = linear(c, c, bias: false, «bias_init: zeros)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2022", "block Blk(c: int) {\n    fc = linear(c, c)\n    forward(x) -> y {\n        y = fc(x)\n    }\n}\nmodel M(c: int = 4) {\n    blk = Blk(c, «weight_init: zeros)\n    forward(x: [B, c]) -> y {\n        y = blk(x)\n    }\n}\n" },
        { "CSEG2010", "model M(c: int = 4) {\n    fc = linear(c, c, bias_init: «kaiming_normal)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2010", "model M(c: int = 4) {\n    fc = linear(c, weight_init: zeros, «c)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG2007", "model M(c: int = 4) {\n    fc = linear(c, c, weight_init: uniform(0, «true))\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        // Shapes, found by elaborating the model with its parameter values
        { "CSEG3001", "model M(c: int = 4) {\n    fc = linear(c + 1, c)\n    forward(x: [B, c]) -> y {\n        y = «fc(x)\n    }\n}\n" },
        { "CSEG3002", "model M(c: int = 4) {\n    down = conv2d(c, c, kernel: 3, stride: 2, padding: 1)\n    forward(x: [B, c, 32*H, 32*W]) -> y {\n        y = «down(x) + x\n    }\n}\n" },
        { "CSEG3003", "model M(c: int = 4) {\n    conv = conv2d(c, c, kernel: 1)\n    forward(x: [B, c]) -> y {\n        y = «conv(x)\n    }\n}\n" },
        { "CSEG3004", "model M(c: int = 6) {\n    gn = group_norm(4, «c)\n    forward(x: [B, c, H, W]) -> y {\n        y = gn(x)\n    }\n}\n" },
        { "CSEG3005", "model M(c: int = 4) {\n    conv = conv2d(c, c, kernel: «0)\n    forward(x: [B, c, H, W]) -> y {\n        y = conv(x)\n    }\n}\n" },
        { "CSEG3006", "model M(c: int = 4) {\n    fc[i in 0..2] = linear(c, c)\n    forward(x: [B, c]) -> y {\n        y = fc[«2](x)\n    }\n}\n" },
        { "CSEG3007", "model M(c: int = 4, extra: bool = false) {\n    if extra {\n        fc = linear(c, c)\n    }\n    forward(x: [B, c]) -> y {\n        y = «fc(x)\n    }\n}\n" },
        { "CSEG3008", "model M(c: int = 4, extra: bool = false) {\n    fc = linear(c, c)\n    forward(x: [B, c]) -> y {\n        if extra {\n            h = fc(x)\n        }\n        y = fc(«h)\n    }\n}\n" },
        { "CSEG3009", "block Blk(c: int) {\n    fc = linear(c, c)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\nmodel M(c: int = 4) {\n    blk = Blk(8)\n    forward(x: [B, c]) -> y {\n        y = «blk(x)\n    }\n}\n" },
        // Unused parts (warnings)
        { "CSEG4001", "model M(c: int = 4) {\n    fc = linear(c, c)\n    «extra = linear(c, c)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG4002", "model M(c: int = 4) {\n    fc = linear(c, c)\n    forward(x: [B, c]) -> y {\n        «h = fc(x)\n        y = relu(x)\n    }\n}\n" },
        { "CSEG4003", "model M(c: int = 4, «unused: int = 2) {\n    fc = linear(c, c)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n" },
        { "CSEG4004", "block Blk() {\n    forward(x, «unused) -> y {\n        y = relu(x)\n    }\n}\nmodel M(c: int = 4) {\n    blk = Blk()\n    forward(x: [B, c]) -> y {\n        y = blk(x, x)\n    }\n}\n" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheProblemAtTheMarkedPosition(string id, string markedSpec)
    {
        var (spec, line, column) = Unmark(markedSpec);

        var diagnostics = Diagnose(spec);

        var reported = diagnostics.Select(Describe).ToList();
        Assert.Equal([$"{id} {Path}({line},{column})"], reported);
    }

    [Fact]
    public void MisspelledLayerNamesTheFileLineColumnAndTheLikelyFix()
    {
        var diagnostic = Assert.Single(Diagnose("model M(c: int = 4) {\n    fc = lineer(c, c)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n"));

        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("/specs/broken.cseg(2,10): error CSEG2002: Unknown layer or block 'lineer'; did you mean 'linear'?", diagnostic.ToString());
        Assert.Equal(new Microsoft.CodeAnalysis.Text.TextSpan(31, 6), diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void UnknownInitialisationSuggestsTheNearestRule()
    {
        var diagnostic = Assert.Single(Diagnose("model M(c: int = 4) {\n    fc = linear(c, c, weight_init: kaiming_norml)\n    forward(x: [B, c]) -> y {\n        y = fc(x)\n    }\n}\n"));

        Assert.Equal("/specs/broken.cseg(2,36): error CSEG2020: Unknown initialisation 'kaiming_norml' (did you mean 'kaiming_normal'?); " +
            "use default, zeros, ones, uniform(a, b), normal(mean, std), kaiming_normal or xavier_uniform", diagnostic.ToString());
    }

    [Fact]
    public void ShapeErrorsNameTheInstanceAndBothShapes()
    {
        var spec = "block Blk(cin: int, cout: int) {\n    conv = conv2d(cin, cout, kernel: 3, padding: 1)\n    forward(x) -> y {\n        y = conv(x) + x\n    }\n}\n" +
                   "model M(w: int = 8) {\n    blocks[i in 0..2] = Blk(w, i == 0 ? w : 2 * w)\n    forward(x: [B, w, H, W]) -> y {\n        y = blocks[1](blocks[0](x))\n    }\n}\n";

        var diagnostic = Assert.Single(Diagnose(spec));

        Assert.Equal("CSEG3001", diagnostic.Id);
        Assert.Equal(
            "Channel mismatch: 'add' needs equal shapes, but 'conv(...)' [B, 16, H, W] and 'x' [B, 8, H, W] differ in dimension 1 (in 'blocks.1', a Blk(cin: 8, cout: 16))",
            diagnostic.GetMessage());
    }

    [Fact]
    public void EveryDiagnosticIdIsListedInTheReleaseNotes()
    {
        var unshipped = File.ReadAllText(System.IO.Path.Combine(GeneratorHarness.RepositoryRoot, "ClustSeg.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var (id, _) in Cases.Select(row => ((string)row[0], (string)row[1])))
        {
            Assert.Contains($"{id} | ClustSeg.Spec", unshipped);
        }
    }

    private static IReadOnlyList<Diagnostic> Diagnose(string spec)
    {
        var result = GeneratorHarness.Run((Path, spec));
        Assert.Null(result.Results.Single().Exception);
        return result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
    }

    private static string Describe(Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        return $"{d.Id} {span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
    }

    /// <summary>Removes the '«' marker and returns the 1-based line and column where it stood.</summary>
    private static (string Spec, int Line, int Column) Unmark(string marked)
    {
        var index = marked.IndexOf('«');
        Assert.True(index >= 0, "the case has no « marker");
        var before = marked[..index];
        var line = before.Count(c => c == '\n') + 1;
        var column = index - (before.LastIndexOf('\n') + 1) + 1;
        return (marked.Remove(index, 1), line, column);
    }
}
