using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Models;

public sealed class MemoryBankTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void TheBankCopiesThenAveragesF8PerLabelledClass()
    {
        const int classes = 3, size = 64, cells = size / 8;
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Semantic, ["a", "b", "c"], 0);
        model.Initialize(Device, seed: 2);
        var dim = model.Dim;
        // Labels: class 0 in the left half, class 1 in the right half of the top rows, 255 below; class 2 absent.
        var labels = new int[size * size];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                labels[y * size + x] = y >= 40 ? 255 : x < 32 ? 0 : 1;
        labels[1] = 2; // not a top-left pixel of its cell: ignored

        float[] Step(int imageSeed)
        {
            Device.Scratch.Reset();
            using var recorder = Device.BeginRecording();
            var context = new ModuleContext(Device, recorder, KernelGradientAccumulator.Instance, recordsBackward: false);
            var outputs = model.Forward(context, Device.Upload("image", Numerics.Random(3 * size * size, imageSeed), 1, 3, size, size));
            model.UpdateMemoryBank(recorder, outputs.Features8, Device.UploadInt("labels", labels, 1, size, size));
            recorder.Submit();
            return Device.Read(outputs.Features8);
        }

        double[] Means(float[] features)
        {
            var sums = new double[classes * dim];
            var counts = new int[classes];
            for (var cy = 0; cy < cells; cy++)
            {
                for (var cx = 0; cx < cells; cx++)
                {
                    var label = labels[cy * 8 * size + cx * 8];
                    if (label >= classes) continue;
                    counts[label]++;
                    for (var d = 0; d < dim; d++) sums[label * dim + d] += features[(d * cells + cy) * cells + cx];
                }
            }
            return sums.Select((s, i) => counts[i / dim] == 0 ? 0 : s / counts[i / dim]).ToArray();
        }

        var first = Means(Step(1));
        Numerics.AssertClose(Device.Read(model.Bank!.Value), first, 1e-5, "bank after the first update (a copy)");

        var second = Means(Step(2));
        var expected = first.Select((b, i) => i / dim == 2 ? 0 : 0.99 * b + 0.01 * second[i]).ToArray();
        Numerics.AssertClose(Device.Read(model.Bank.Value), expected, 1e-5, "bank after the second update");
        ModelRun.Release(Device, model);
    }
}
