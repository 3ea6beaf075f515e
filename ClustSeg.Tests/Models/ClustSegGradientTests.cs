using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn;
using ClustSeg.Tests.Support;
using Xunit.Abstractions;

namespace ClustSeg.Tests.Models;

/// <summary>
/// The whole tiny panoptic model's Backward (all decoder layers, the T EM iterations, both seed paths, the shared
/// heads used after every layer) against central differences of the forward pass, for a loss that weighs every
/// output with fixed random numbers. Probes one element of a parameter in each part of the model, and the input.
/// </summary>
public sealed class ClustSegGradientTests(VulkanFixture fixture, ITestOutputHelper log) : VulkanTest(fixture)
{
    private const int Size = 64;

    [Fact]
    public void BackwardMatchesFiniteDifferencesThroughTheWholeModel()
    {
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Panoptic, ["thing0", "thing1", "stuff0", "stuff1", "stuff2"], 2);
        model.Initialize(Device, seed: 11);
        Device.Upload<float>(model.Bank!.Value, Numerics.ToFloat(Numerics.Random((int)model.Bank.ElementCount, 12)));
        // At initialisation the assignments are nearly uniform over the clusters, so the normalised M-step gives every
        // centre almost the same mean and the gradients of q and k are tiny (below the finite differences' noise).
        // Larger key weights sharpen the assignments, so that the EM path's gradients are checked too.
        foreach (var key in model.Module.Parameters().Where(p => p.Path.EndsWith(".rcross.k.weight", StringComparison.Ordinal)))
        {
            Device.Upload<float>(key.Value, Device.Read(key.Value).Select(v => v * 20f).ToArray());
        }
        int[] imageShape = [1, 3, Size, Size];
        var image = Numerics.RoundToFloat(Numerics.Random(3 * Size * Size, 13));
        var weights = LossWeights(model, image, imageShape);

        // Analytic gradients: one forward and backward with the loss weights as the output gradients.
        Device.Scratch.Reset();
        float[] imageGradient;
        using (var recorder = Device.BeginRecording())
        {
            var context = new ModuleContext(Device, recorder, KernelGradientAccumulator.Instance, recordsBackward: true);
            var outputs = model.Forward(context, Device.Upload("image", image, imageShape), imageGradient: true);
            var dClass = outputs.ClassLogits.Select((t, l) => Device.Upload($"dclass{l}", weights.Class[l], t.Shape.ToArray())).ToArray();
            var dMask = outputs.MaskLogits.Select((t, l) => Device.Upload($"dmask{l}", weights.Mask[l], t.Shape.ToArray())).ToArray();
            var dCentres = Device.Upload("dcentres", weights.Centres, outputs.Centres.Shape.ToArray());
            var dImage = model.Backward(context, dClass, dMask, dCentres);
            recorder.Submit();
            imageGradient = Device.Read(dImage!);
        }
        Assert.Equal(0, model.Module.Modules().Sum(m => m.SavedStateDepth));

        var parameters = model.Module.Parameters().ToDictionary(p => p.Path);
        (string Path, int Index)[] probes =
        [
            ("backbone.stem.conv1.weight", 0), ("backbone.stages.3.0.conv2.weight", 5), ("backbone.stages.1.0.shortcut.gn.weight", 3),
            ("pixel_decoder.lateral.2.bias", 3), ("pixel_decoder.output.1.conv.weight", 17), ("pixel_decoder.mask_features.weight", 7),
            ("decoder.level_embed.weight", 64 + 2), ("decoder.layers.2.rcross.q.weight", 10), ("decoder.layers.1.rcross.k.weight", 12), ("decoder.layers.0.rcross.q.bias", 5), ("decoder.layers.0.rcross.v.weight", 10), ("decoder.layers.0.rcross.o.bias", 2),
            ("decoder.layers.2.self_attn.k.weight", 3), ("decoder.layers.1.ffn.fc1.bias", 4), ("decoder.layers.2.rcross.norm.weight", 6),
            ("heads.class_embed.weight", 2), ("heads.mask_embed.layers.0.weight", 9),
            ("seeds.class_ffn.fc1.weight", 1), ("seeds.adaptive_logits.weight", 6), ("seeds.adaptive_ffn.fc2.bias", 0),
        ];
        var failures = new List<string>();
        foreach (var (path, index) in probes)
        {
            var parameter = parameters[path];
            var analytic = (double)Device.Read(parameter.Grad)[index];
            var values = Device.Read(parameter.Value);
            var original = values[index];
            double LossAt(float value)
            {
                values[index] = value;
                Device.Upload<float>(parameter.Value, values);
                return Loss(model, image, imageShape, weights);
            }
            var numeric = Differences(LossAt, original);
            LossAt(original);
            Check(path, index, analytic, numeric, failures);
        }
        foreach (var index in new[] { 5, 3 * Size * Size / 2 + 77 })
        {
            var numeric = Differences(v =>
            {
                var moved = (double[])image.Clone();
                moved[index] = v;
                return Loss(model, moved, imageShape, weights);
            }, (float)image[index]);
            Check("image", index, imageGradient[index], numeric, failures);
        }
        ModelRun.Release(Device, model);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private sealed record Weights(double[][] Class, double[][] Mask, double[] Centres);

    private Weights LossWeights(ClustSegModel model, double[] image, int[] shape)
    {
        var outputs = ModelRun.Forward(Device, model, image, shape);
        return new Weights(
            outputs.ClassLogits.Select((v, l) => Numerics.Random(v.Length, 20 + l)).ToArray(),
            outputs.MaskLogits.Select((v, l) => Numerics.Random(v.Length, 30 + l)).ToArray(),
            Numerics.Random(outputs.Centres.Length, 40));
    }

    private double Loss(ClustSegModel model, double[] image, int[] shape, Weights weights)
    {
        var outputs = ModelRun.Forward(Device, model, image, shape);
        var loss = 0.0;
        for (var l = 0; l < outputs.ClassLogits.Length; l++)
        {
            loss += Numerics.Dot(Array.ConvertAll(outputs.ClassLogits[l], v => (double)v), weights.Class[l]);
            loss += Numerics.Dot(Array.ConvertAll(outputs.MaskLogits[l], v => (double)v), weights.Mask[l]);
        }
        return loss + Numerics.Dot(Array.ConvertAll(outputs.Centres, v => (double)v), weights.Centres);
    }

    /// <summary>
    /// Central differences at three steps (the outputs are float32, so differences of the loss carry a noise of about
    /// 0.01, hence the absolute part of the tolerance; q's bias, whose exact gradient is 0 since it shifts every
    /// cluster's logit of a pixel alike, shows it): ReLU kinks crossed inside the interval bias the larger steps, float32
    /// rounding of the outputs disturbs the smaller ones (by up to 0.05 at 3e-4 for a weight of the 2x2 stride-32 stage,
    /// seen when a change of summation order in an unrelated convolution moved the rounding); a correct gradient matches
    /// at least one of them.
    /// </summary>
    private static double[] Differences(Func<float, double> loss, float at) => new[] { 3e-3f, 1e-3f, 3e-4f }.Select(step =>
    {
        var plus = at + step;
        var minus = at - step;
        return (loss(plus) - loss(minus)) / ((double)plus - minus);
    }).ToArray();

    private void Check(string path, int index, double analytic, double[] numeric, List<string> failures)
    {
        log.WriteLine($"{path}[{index}]: analytic {analytic:G6}, numeric {string.Join(" / ", numeric.Select(n => n.ToString("G6")))}");
        if (!numeric.Any(n => Math.Abs(analytic - n) <= 0.05 * Math.Max(Math.Abs(analytic), Math.Abs(n)) + 0.025))
            failures.Add($"{path}[{index}]: backward gives {analytic:G6}, central differences {string.Join(" / ", numeric.Select(n => n.ToString("G6")))}");
    }
}
