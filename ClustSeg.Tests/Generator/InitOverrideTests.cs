using System.Runtime.Loader;
using ClustSeg.Runtime.Nn;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Tests.Generator;

/// <summary>
/// A spec's '&lt;parameter&gt;_init:' arguments: the generated constructor applies them, and
/// <see cref="ModuleState.InitialValues"/> draws each parameter from the chosen rule.
/// </summary>
public class InitOverrideTests
{
    private const string Spec = """
        namespace InitCheck

        model Net(c: int = 64, std: float = 0.02) {
            zeroed = linear(c, c, weight_init: zeros, bias_init: ones)
            ranged = linear(c, c, weight_init: uniform(2, 3), bias_init: default)
            gauss = linear(c, c, weight_init: normal(1, std))
            wide[i in 0..2] = linear(c, 32, weight_init: xavier_uniform, bias_init: normal(-1, 0))
            conv = conv2d(8, 16, kernel: 3, padding: 1, weight_init: kaiming_normal)

            forward(x: [B, c], image: [B, 8, H, W]) -> (y, z) {
                y = wide[0](gauss(ranged(zeroed(x)))) + wide[1](x)
                z = conv(image)
            }
        }
        """;

    [Fact]
    public void GeneratedConstructorAppliesTheSpecInits()
    {
        var source = GeneratorHarness.Source(GeneratorHarness.Run(("/specs/init.cseg", Spec)), "InitCheck.Net.g.cs");

        const string Init = "global::ClustSeg.Runtime.Nn.ParameterInit.";
        const string With = "global::ClustSeg.Runtime.Nn.ParameterInitOverrides.WithInit(";
        const string Linear = "new global::ClustSeg.Runtime.Nn.Layers.Linear(inFeatures: C, outFeatures: C, bias: true)";
        Assert.Contains($"RegisterChild(\"zeroed\", {With}{With}{Linear}, \"weight\", {Init}Zeros), \"bias\", {Init}Ones));", source);
        Assert.Contains($"RegisterChild(\"ranged\", {With}{Linear}, \"weight\", {Init}UniformRange(2f, 3f)));", source);
        Assert.Contains($"RegisterChild(\"gauss\", {With}{Linear}, \"weight\", {Init}Normal(1f, Std)));", source);
        Assert.Contains($"list__0.Add({With}{With}new global::ClustSeg.Runtime.Nn.Layers.Linear(inFeatures: C, outFeatures: 32, bias: true), " +
            $"\"weight\", {Init}XavierUniform), \"bias\", {Init}Normal((-1), 0f)));", source);
        Assert.Contains($", \"weight\", {Init}KaimingNormal));", source);
    }

    [Fact]
    public void InitialValuesFollowTheChosenRules()
    {
        var values = ModuleState.InitialValues(BuildModel(), seed: 3).ToDictionary(p => p.Key, p => p.Value);

        Assert.All(values["zeroed.weight"], v => Assert.Equal(0f, v));
        Assert.All(values["zeroed.bias"], v => Assert.Equal(1f, v));
        Assert.All(values["ranged.weight"], v => Assert.InRange(v, 2f, 3f));
        Assert.InRange(values["ranged.weight"].Average(), 2.45, 2.55);
        // 'default' keeps PyTorch's uniform(±1/sqrt(fan_in)) with fan_in = 64.
        Assert.All(values["ranged.bias"], v => Assert.InRange(v, -0.125f, 0.125f));
        AssertMoments(values["gauss.weight"], mean: 1, std: 0.02);
        AssertMoments(values["conv.weight"], mean: 0, std: Math.Sqrt(2.0 / (8 * 3 * 3)));
        foreach (var i in new[] { 0, 1 })
        {
            var bound = Math.Sqrt(6.0 / (64 + 32));
            Assert.All(values[$"wide.{i}.weight"], v => Assert.InRange(v, -bound, bound));
            Assert.True(values[$"wide.{i}.weight"].Max() > 0.95 * bound, "xavier_uniform should fill its whole range");
            Assert.All(values[$"wide.{i}.bias"], v => Assert.Equal(-1f, v));
        }
    }

    private static void AssertMoments(float[] values, double mean, double std)
    {
        var actualMean = values.Average(v => (double)v);
        var actualStd = Math.Sqrt(values.Average(v => (v - actualMean) * (v - actualMean)));
        Assert.InRange(actualMean, mean - 4 * std / Math.Sqrt(values.Length), mean + 4 * std / Math.Sqrt(values.Length));
        Assert.InRange(actualStd, 0.9 * std, 1.1 * std);
    }

    private static Module BuildModel()
    {
        var (compilation, diagnostics) = GeneratorHarness.RunAndCompile([], ("/specs/init.cseg", Spec));
        Assert.Empty(diagnostics);
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        image.Position = 0;
        var assembly = new AssemblyLoadContext("generated-initcheck", isCollectible: true).LoadFromStream(image);
        var constructor = assembly.GetType("InitCheck.Net")!.GetConstructors().Single();
        return (Module)constructor.Invoke(constructor.GetParameters().Select(p => p.DefaultValue).ToArray());
    }
}
