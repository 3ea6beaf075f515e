using Assembly = System.Reflection.Assembly;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Generator;
using ClustSeg.Tests.Support;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Tests.Nn.Layers;

/// <summary>
/// Generated blocks from models/examples compiled against the real kernel-backed layers (no stand-ins), run on the
/// device for one training step (TrainingStep), with the whole module's input and parameter gradients checked
/// against central differences of its float32 device Forward.
/// </summary>
public sealed class GeneratedModuleTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private static readonly Lazy<Assembly> Examples = new(CompileExamples);

    [Fact]
    public void ExamplesCompileAgainstTheRealLayers()
    {
        var (output, diagnostics) = GeneratorHarness.RunAndCompile([], Specs());
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
    }

    [Fact]
    public void ResNetBasicBlockTrainsWithCorrectGradients()
    {
        // Stride 2 and a channel change, so the shortcut (conv1x1 + GroupNorm) is used too.
        var type = Examples.Value.GetType("ClustSeg.Models.Examples.BasicBlock")!;
        var block = (Module)Activator.CreateInstance(type, 4, 8, 2, 2)!;
        ModuleState.Initialize(block, Device, seed: 11);
        var x = Device.Upload("x", Numerics.Random(2 * 4 * 7 * 5, seed: 1), 2, 4, 7, 5);
        var outputWeights = Numerics.Random(2 * 8 * 4 * 3, seed: 2);

        Tensor? inputGradient = null;
        using (var recorder = Device.BeginRecording())
        {
            var output = TrainingStep.Record(TrainingStep.TrainingContext(Device, recorder), block,
                context => (Tensor)Invoke(type, block, "Forward", context, x),
                (context, y) => inputGradient = (Tensor?)Invoke(type, block, "Backward", context, TrainingStep.SeedGradient(context, y, Numerics.ToFloat(outputWeights))));
            Assert.Equal([2, 8, 4, 3], output.Shape);
            recorder.Submit();
        }

        double Loss()
        {
            using var recorder = Device.BeginRecording();
            var y = (Tensor)Invoke(type, block, "Forward", TrainingStep.InferenceContext(Device, recorder), x);
            recorder.Submit();
            return Numerics.Dot(Array.ConvertAll(Device.Read(y), v => (double)v), outputWeights);
        }

        Assert.Equal(9, block.Parameters().Count()); // conv1, gn1, conv2, gn2, shortcut.conv, shortcut.gn
        CheckSampled("x", Device.Read(inputGradient!), x, Loss);
        foreach (var parameter in block.Parameters()) CheckSampled(parameter.Path, Device.Read(parameter.Grad), parameter.Value, Loss);
    }

    [Fact]
    public void ClusterDecoderTrainsWithCorrectGradients()
    {
        var type = Examples.Value.GetType("ClustSeg.Models.Examples.TinyClusterDecoder")!;
        // dim 8, 2 heads, hidden 12, 2 layers, 3 classes.
        var model = (Module)Activator.CreateInstance(type, 8, 2, 12, 2, 3)!;
        ModuleState.Initialize(model, Device, seed: 12);
        var centres = Device.Upload("centres", Numerics.Random(2 * 3 * 8, seed: 3), 2, 3, 8);
        var pixels = Device.Upload("pixels", Numerics.Random(2 * 8 * 3 * 4, seed: 4), 2, 8, 3, 4);
        var logitWeights = new[] { Numerics.Random(2 * 3 * 4, seed: 5), Numerics.Random(2 * 3 * 4, seed: 6) };

        Tensor? centresGradient = null, pixelsGradient = null;
        using (var recorder = Device.BeginRecording())
        {
            TrainingStep.Record(TrainingStep.TrainingContext(Device, recorder), model,
                context => (Tensor[])Invoke(type, model, "Forward", context, centres, pixels),
                (context, logits) =>
                {
                    var seeds = logits.Select((l, i) => (Tensor?)TrainingStep.SeedGradient(context, l, Numerics.ToFloat(logitWeights[i]))).ToArray();
                    var gradients = (ITuple)Invoke(type, model, "Backward", context, seeds);
                    (centresGradient, pixelsGradient) = ((Tensor?)gradients[0], (Tensor?)gradients[1]);
                });
            recorder.Submit();
        }

        double Loss()
        {
            using var recorder = Device.BeginRecording();
            var logits = (Tensor[])Invoke(type, model, "Forward", TrainingStep.InferenceContext(Device, recorder), centres, pixels);
            recorder.Submit();
            return logits.Select((l, i) => Numerics.Dot(Array.ConvertAll(Device.Read(l), v => (double)v), logitWeights[i])).Sum();
        }

        // Fewer samples per tensor, and the second decoder layer's parameters (the same code as the first's) left out:
        // each sample costs two forward passes. The class head, shared by both layers, is checked.
        CheckSampled("centres", Device.Read(centresGradient!), centres, Loss, samples: 4);
        CheckSampled("pixels", Device.Read(pixelsGradient!), pixels, Loss, samples: 4);
        foreach (var parameter in model.Parameters().Where(p => !p.Path.StartsWith("rcross.1.", StringComparison.Ordinal) && !p.Path.StartsWith("ffn.1.", StringComparison.Ordinal)))
        {
            CheckSampled(parameter.Path, Device.Read(parameter.Grad), parameter.Value, Loss, samples: 2);
        }
    }

    /// <summary>
    /// Central differences of the float32 device loss at a few elements of <paramref name="tensor"/>, with a loose
    /// tolerance for float rounding. A ReLU kink within the step spoils a difference, so an element that disagrees is
    /// measured again with a quarter of the step; a wrong gradient disagrees at both.
    /// </summary>
    private void CheckSampled(string what, float[] analytic, Tensor tensor, Func<double> loss, int samples = 6)
    {
        var values = Device.Read(tensor);
        var picks = Enumerable.Range(0, values.Length).OrderBy(i => (i * 7919) % 101).Take(samples).ToArray();

        double Difference(int i, float step)
        {
            var original = values[i];
            values[i] = original + step;
            Device.Upload<float>(tensor, values);
            var up = loss();
            values[i] = original - step;
            Device.Upload<float>(tensor, values);
            var down = loss();
            values[i] = original;
            Device.Upload<float>(tensor, values);
            return (up - down) / (2.0 * step);
        }

        var numeric = picks.Select(i => Difference(i, 2e-3f)).ToArray();
        var scale = Math.Max(numeric.Max(Math.Abs), 1e-2);
        bool Agrees(int i, double difference) => Math.Abs(analytic[i] - difference) <= 2e-2 * scale + 1e-3;
        for (var p = 0; p < picks.Length; p++)
        {
            var i = picks[p];
            if (Agrees(i, numeric[p])) continue;
            var finer = Difference(i, 5e-4f);
            Assert.True(Agrees(i, finer), $"gradient of {what}[{i}]: backward gives {analytic[i]}, central differences {numeric[p]} (step 2e-3) and {finer} (step 5e-4)");
        }
    }

    private static object Invoke(Type type, Module module, string method, params object?[] arguments) =>
        type.GetMethod(method)!.Invoke(module, arguments)!;

    private static (string Path, string Text)[] Specs() =>
        new[] { "examples/resnet-gn.cseg", "examples/cluster-decoder.cseg" }.Select(GeneratorHarness.Spec).ToArray();

    private static Assembly CompileExamples()
    {
        var (compilation, diagnostics) = GeneratorHarness.RunAndCompile([], Specs());
        Assert.Empty(diagnostics);
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        image.Position = 0;
        return new AssemblyLoadContext("generated-examples", isCollectible: true).LoadFromStream(image);
    }
}
