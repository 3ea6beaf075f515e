using ClustSeg.Tests.Generator;

namespace ClustSeg.Tests.Models;

/// <summary>
/// The ClustSeg spec through the generator: no diagnostics for any task (the generator checks shapes for the
/// model's default parameters, so each task is checked by making it the default). The Runtime build compiles the
/// generated code itself.
/// </summary>
public class ClustSegSpecTests
{
    [Theory]
    [InlineData(0, 150, 0)]
    [InlineData(1, 80, 80)]
    [InlineData(2, 133, 80)]
    public void EveryTaskPassesTheGeneratorsShapeChecks(int task, int classes, int things)
    {
        var (path, text) = GeneratorHarness.Spec("clustseg.cseg");
        var specialised = text
            .Replace("task: int = 2, classes: int = 133, things: int = 80", $"task: int = {task}, classes: int = {classes}, things: int = {things}", StringComparison.Ordinal);
        Assert.Equal(2, CountOf(specialised, $"task: int = {task}, classes: int = {classes}"));

        var result = GeneratorHarness.Run((path, specialised));

        Assert.Null(result.Results.Single().Exception);
        Assert.Empty(result.Diagnostics.Select(d => d.ToString()));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
