using ClustSeg.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace ClustSeg.Tests.Generator;

/// <summary>
/// The generator's steps are cached by value: an edit that does not change what a step consumes must not re-run
/// what follows it. Checked through the run reasons Roslyn tracks for each step.
/// </summary>
public class IncrementalityTests
{
    private static readonly string[] Steps = [LayerSpecGenerator.Steps.Parse, LayerSpecGenerator.Steps.Check, LayerSpecGenerator.Steps.Blocks, LayerSpecGenerator.Steps.Emit];

    [Fact]
    public void EditingACommentInACSharpFileDoesNotRerunAnyStep()
    {
        var user = CSharpSyntaxTree.ParseText("// first comment\nnamespace User;\npublic static class Program { }\n", new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = GeneratorHarness.Compilation().AddSyntaxTrees(user);
        var driver = GeneratorHarness.Driver(GeneratorHarness.Spec("examples/resnet-gn.cseg")).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(user, user.WithChangedText(SourceText.From(user.ToString().Replace("first comment", "second, longer comment"))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in Steps)
        {
            var reasons = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
        }
    }

    [Fact]
    public void ACommentLineInASpecReemitsOnlyTheModelWhoseSpecHashChanged()
    {
        var (path, text) = GeneratorHarness.Spec("examples/resnet-gn.cseg");
        var original = new GeneratorHarness.SpecText(path, text);
        var driver = GeneratorHarness.Driver().AddAdditionalTexts([original]).RunGenerators(GeneratorHarness.Compilation());

        // A new first line shifts every position in the file; the emit models carry none, so blocks stay cached.
        var edited = new GeneratorHarness.SpecText(path, "# an added comment line\n" + text);
        var result = driver.ReplaceAdditionalText(original, edited).RunGenerators(GeneratorHarness.Compilation()).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(result.TrackedSteps[LayerSpecGenerator.Steps.Parse].SelectMany(s => s.Outputs)).Reason);
        var emitted = EmitReasons(result);
        Assert.Equal(IncrementalStepRunReason.Modified, emitted["ClustSeg.Models.Examples.TinyResNet.g.cs"]);
        Assert.All(emitted.Where(e => !e.Key.Contains("TinyResNet")), e => Assert.Equal(IncrementalStepRunReason.Cached, e.Value));
        Assert.Equal(3, emitted.Count(e => !e.Key.Contains("TinyResNet")));
    }

    [Fact]
    public void ChangingAWidthReemitsTheModelWithTheNewValueAndNothingElse()
    {
        var (path, text) = GeneratorHarness.Spec("examples/resnet-gn.cseg");
        var original = new GeneratorHarness.SpecText(path, text);
        var driver = GeneratorHarness.Driver().AddAdditionalTexts([original]).RunGenerators(GeneratorHarness.Compilation());
        Assert.Contains("widths ?? new int[] { 16, 32 }", GeneratorHarness.Source(driver.GetRunResult(), "ClustSeg.Models.Examples.TinyResNet.g.cs"));

        var edited = new GeneratorHarness.SpecText(path, text.Replace("widths: int[] = [16, 32]", "widths: int[] = [16, 48]"));
        driver = driver.ReplaceAdditionalText(original, edited).RunGenerators(GeneratorHarness.Compilation());

        var result = driver.GetRunResult();
        Assert.Empty(result.Diagnostics);
        Assert.Contains("widths ?? new int[] { 16, 48 }", GeneratorHarness.Source(result, "ClustSeg.Models.Examples.TinyResNet.g.cs"));
        var emitted = EmitReasons(result.Results.Single());
        Assert.Equal(IncrementalStepRunReason.Modified, emitted["ClustSeg.Models.Examples.TinyResNet.g.cs"]);
        Assert.All(emitted.Where(e => !e.Key.Contains("TinyResNet")), e => Assert.Equal(IncrementalStepRunReason.Cached, e.Value));
    }

    /// <summary>The run reason of the Emit step for each generated file.</summary>
    private static Dictionary<string, IncrementalStepRunReason> EmitReasons(GeneratorRunResult result) =>
        result.TrackedSteps[LayerSpecGenerator.Steps.Emit]
            .SelectMany(s => s.Outputs)
            .ToDictionary(o => ((GeneratedSource)o.Value).HintName, o => o.Reason);
}
