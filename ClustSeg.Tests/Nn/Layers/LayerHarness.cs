using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Nn.Layers;

/// <summary>One tensor input of a layer under test: its shape, values, and whether a gradient must flow to it.</summary>
internal sealed record LayerInput(int[] Shape, double[] Values, bool Differentiable = true)
{
    public static LayerInput Random(int seed, params int[] shape) =>
        new(shape, Numerics.RoundToFloat(Numerics.Random(shape.Aggregate(1, (a, d) => a * d), seed)));
}

/// <summary>The double-precision reference of a layer: output from the inputs and the parameters (by name).</summary>
internal delegate double[] LayerReference(double[][] inputs, IReadOnlyDictionary<string, double[]> parameters);

/// <summary>
/// Checks a primitive layer on the device against a double-precision CPU reference: Forward's shape and values;
/// Backward's input gradients and parameter gradients against central differences of the reference; that parameter
/// gradients are added to what Grad already holds; that Backward pops exactly the state Forward pushed; and that a
/// null output gradient gives null input gradients.
/// </summary>
internal sealed class LayerHarness(GpuDevice device)
{
    public double ForwardTolerance { get; init; } = 1e-5;

    public double GradientTolerance { get; init; } = 2e-4;

    public void Check(Module layer, LayerInput[] inputs, int[] expectedShape, LayerReference reference,
        Func<ModuleContext, Tensor[], Tensor> forward, Func<ModuleContext, Tensor?, Tensor?[]> backward, int seed = 7)
    {
        // Random parameters (not the ones/zeros a norm starts with), so every parameter's gradient matters.
        ModuleState.Allocate(layer, device);
        var parameters = new Dictionary<string, double[]>();
        var priorGrads = new Dictionary<string, double[]>();
        foreach (var (parameter, i) in layer.Parameters().Select((p, i) => (p, i)))
        {
            var values = Numerics.RoundToFloat(Numerics.Random((int)parameter.ElementCount, seed + 100 + i));
            var prior = Numerics.RoundToFloat(Numerics.Random((int)parameter.ElementCount, seed + 200 + i));
            device.Upload<float>(parameter.Value, Numerics.ToFloat(values));
            device.Upload<float>(parameter.Grad, Numerics.ToFloat(prior));
            parameters[parameter.Name] = values;
            priorGrads[parameter.Name] = prior;
        }
        var tensors = inputs.Select((input, i) => device.Upload($"input{i}", input.Values, input.Shape)).ToArray();
        var values0 = inputs.Select(input => input.Values).ToArray();

        var (output, forwardRecorder) = Record(layer, recorder => forward(Context(recorder), tensors));
        Assert.Equal(expectedShape, output.Shape);
        var expected = reference(values0, parameters);
        Numerics.AssertClose(device.Read(output), expected, ForwardTolerance, "forward");
        forwardRecorder.Dispose();

        var upstream = Numerics.Random(expected.Length, seed + 300);
        var upstreamTensor = device.Upload("upstream", upstream, expectedShape);
        var (gradients, backwardRecorder) = Record(layer, recorder => backward(Context(recorder), upstreamTensor));
        Assert.Equal(0, layer.SavedStateDepth);
        Assert.Equal(inputs.Length, gradients.Length);
        for (var i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].Differentiable)
            {
                Assert.Null(gradients[i]);
                continue;
            }
            Assert.NotNull(gradients[i]);
            Assert.Equal(inputs[i].Shape, gradients[i]!.Shape);
            var index = i;
            var numeric = Numerics.NumericGradient(x => reference(values0.Select((v, j) => j == index ? x : v).ToArray(), parameters), values0[i], upstream);
            Numerics.AssertClose(device.Read(gradients[i]!), numeric, GradientTolerance, $"gradient of input {i}");
        }
        foreach (var parameter in layer.Parameters())
        {
            var name = parameter.Name;
            var numeric = Numerics.NumericGradient(p => reference(values0, new Dictionary<string, double[]>(parameters) { [name] = p }), parameters[name], upstream);
            var accumulated = numeric.Select((g, k) => g + priorGrads[name][k]).ToArray();
            Numerics.AssertClose(device.Read(parameter.Grad), accumulated, GradientTolerance, $"gradient of {name} (added to the prior value)");
        }
        backwardRecorder.Dispose();

        // A null output gradient is a zero one: Backward still pops its state and returns no gradients.
        var (_, again) = Record(layer, recorder => forward(Context(recorder), tensors));
        again.Dispose();
        var (none, last) = Record(layer, recorder => backward(Context(recorder), null));
        last.Dispose();
        Assert.All(none, Assert.Null);
        Assert.Equal(0, layer.SavedStateDepth);
    }

    private ModuleContext Context(CommandRecorder recorder) => new(device, recorder, KernelGradientAccumulator.Instance, recordsBackward: true);

    private (T Result, CommandRecorder Recorder) Record<T>(Module layer, Func<CommandRecorder, T> body)
    {
        var recorder = device.BeginRecording();
        var result = body(recorder);
        recorder.Submit();
        return (result, recorder);
    }
}
