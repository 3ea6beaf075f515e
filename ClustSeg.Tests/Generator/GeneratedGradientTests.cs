using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ClustSeg.Tests.Generator;

/// <summary>
/// Runs a generated model on the device with the host reference layers and checks its whole Backward against
/// central finite differences of its Forward: gradients summed where values fan out, a layer shared by two calls
/// and by every iteration of a repeat loop, a block with two inputs and two outputs, a block taking and returning
/// arrays, concat, a layer array.
/// </summary>
public sealed class GeneratedGradientTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const string Spec = """
        namespace GradCheck

        block Mix(dim: int) {
            a = linear(dim, dim)
            b = linear(dim, dim, bias: false)

            forward(x, y) -> (sum, prod) {
                sum = a(x) + b(y)
                prod = relu(a(y)) * x
            }
        }

        block Pair(dim: int) {
            f = linear(dim, dim)

            forward(items[2]) -> (joined, each[2]) {
                joined = items[0] + f(items[1])
                each[0] = relu(items[0])
                each[1] = items[1] * 3.0
            }
        }

        model Net(dim: int = 3, steps: int = 2, width: int = 2) {
            mix = Mix(dim)
            pair = Pair(dim)
            shared = linear(dim, dim)
            heads[i in 0..width] = linear(dim, 2)

            forward(x: [B, N, dim]) -> (out, logits[width]) {
                (s, p) = mix(x, x * 0.5)
                h = s
                repeat steps {
                    h = relu(shared(h)) + p
                }
                var parts[2]
                parts[0] = h
                parts[1] = s
                (j, e) = pair(parts)
                out = concat(parts[0], parts[1], j, e[1]) * 2.0
                for i in 0..width {
                    logits[i] = heads[i](h)
                }
            }
        }
        """;

    // The generated code names the kernel-backed layers (ClustSeg.Runtime.Nn.Layers.*). This check runs the generated
    // schedule on the host double-precision reference layers instead, so it points those names at them; declaring
    // stand-ins under the runtime's own names would clash with the real types (CS0436).
    private static readonly Regex RuntimeLayer = new(@"global::ClustSeg\.Runtime\.Nn\.Layers\.(Linear|ReLU|Add|Mul|Scale|Concat)\b");

    [Fact]
    public void WholeModelBackwardMatchesFiniteDifferences()
    {
        var (model, type) = BuildModel();
        ModuleState.Initialize(model, Device, seed: 5);
        var x = Device.Upload("x", Numerics.Random(12, seed: 1), 2, 2, 3);
        var outWeights = Numerics.Random(48, seed: 2);
        var logitWeights = new[] { Numerics.Random(8, seed: 3), Numerics.Random(8, seed: 4) };
        using var recorder = Device.BeginRecording();
        var accumulator = new HostGradientAccumulator();
        var training = new ModuleContext(Device, recorder, accumulator, recordsBackward: true);
        var inference = new ModuleContext(Device, recorder, accumulator, recordsBackward: false);

        double Loss()
        {
            var (output, logits) = Forward(type, model, inference, x);
            var loss = Numerics.Dot(Array.ConvertAll(Device.Read(output), v => (double)v), outWeights);
            for (var i = 0; i < logits.Length; i++) loss += Numerics.Dot(Array.ConvertAll(Device.Read(logits[i]), v => (double)v), logitWeights[i]);
            return loss;
        }

        var (output, logits) = Forward(type, model, training, x);
        Assert.Equal([2, 8, 3], output.Shape);
        Assert.Equal([2, 2, 2], logits[1].Shape);
        var dx = (Tensor?)type.GetMethod("Backward")!.Invoke(model, [training,
            Device.Upload("dout", outWeights, 2, 8, 3),
            logitWeights.Select((w, i) => (Tensor?)Device.Upload($"dlogits{i}", w, 2, 2, 2)).ToArray()]);

        Assert.All(model.Modules(), m => Assert.Equal(0, m.SavedStateDepth));
        Assert.True(accumulator.Calls > 0, "no gradient was summed, though x, p and the shared layers fan out");
        CheckAgainstFiniteDifferences("x", Device.Read(dx!), x, Loss);
        foreach (var parameter in model.Parameters())
        {
            CheckAgainstFiniteDifferences(parameter.Path, Device.Read(parameter.Grad), parameter.Value, Loss);
        }
    }

    private void CheckAgainstFiniteDifferences(string what, float[] analytic, Tensor tensor, Func<double> loss)
    {
        var values = Device.Read(tensor);
        var numeric = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var original = values[i];
            values[i] = original + 1e-3f;
            var up = values[i];
            Device.Upload<float>(tensor, values);
            var lossUp = loss();
            values[i] = original - 1e-3f;
            var down = values[i];
            Device.Upload<float>(tensor, values);
            var lossDown = loss();
            values[i] = original;
            Device.Upload<float>(tensor, values);
            numeric[i] = (lossUp - lossDown) / ((double)up - down);
        }
        Numerics.AssertClose(Array.ConvertAll(analytic, v => (double)v), numeric, tolerance: 2e-3, what: "gradient of " + what);
    }

    private static (Tensor Output, Tensor[] Logits) Forward(Type type, Module model, ModuleContext context, Tensor x)
    {
        var result = (ITuple)type.GetMethod("Forward")!.Invoke(model, [context, x])!;
        return ((Tensor)result[0]!, (Tensor[])result[1]!);
    }

    private static (Module Model, Type Type) BuildModel()
    {
        var (compilation, diagnostics) = GeneratorHarness.RunAndCompile([], ("/specs/gradcheck.cseg", Spec));
        Assert.Empty(diagnostics);
        foreach (var tree in compilation.SyntaxTrees.ToList())
        {
            var text = RuntimeLayer.Replace(tree.ToString(), "global::ClustSeg.Tests.Generator.HostLayers.Host$1");
            Assert.DoesNotContain("global::ClustSeg.Runtime.Nn.Layers.", text);
            compilation = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)tree.Options, tree.FilePath));
        }
        compilation = compilation.AddReferences(MetadataReference.CreateFromFile(typeof(HostLayers.HostLinear).Assembly.Location));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        Assert.Empty(emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        image.Position = 0;
        var assembly = new AssemblyLoadContext("generated-gradcheck", isCollectible: true).LoadFromStream(image);
        var type = assembly.GetType("GradCheck.Net")!;
        var constructor = type.GetConstructors().Single();
        var model = (Module)constructor.Invoke(constructor.GetParameters().Select(p => p.DefaultValue).ToArray());
        return (model, type);
    }
}
