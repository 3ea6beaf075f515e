using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Vulkan;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Models;

/// <summary>Host copies of one forward pass's outputs, with their shapes.</summary>
internal sealed record HostOutputs(float[][] ClassLogits, float[][] MaskLogits, float[] Centres, int[][] ClassShapes, int[][] MaskShapes, int[] CentreShape, int[] Features8Shape);

/// <summary>Runs a ClustSeg model on the test device and brings its outputs back to the host.</summary>
internal static class ModelRun
{
    public static HostOutputs Forward(GpuDevice device, ClustSegModel model, double[] image, int[] shape)
    {
        device.Scratch.Reset();
        using var recorder = device.BeginRecording();
        var context = new ModuleContext(device, recorder, KernelGradientAccumulator.Instance, recordsBackward: false);
        var outputs = model.Forward(context, device.Upload("image", image, shape));
        recorder.Submit();
        return Host(device, outputs);
    }

    public static HostOutputs Host(GpuDevice device, ClustSegOutputs outputs) => new(
        outputs.ClassLogits.Select(device.Read).ToArray(),
        outputs.MaskLogits.Select(device.Read).ToArray(),
        device.Read(outputs.Centres),
        outputs.ClassLogits.Select(t => t.Shape.ToArray()).ToArray(),
        outputs.MaskLogits.Select(t => t.Shape.ToArray()).ToArray(),
        outputs.Centres.Shape.ToArray(),
        outputs.Features8.Shape.ToArray());

    /// <summary>Returns the model's persistent memory, so that many models in one test run do not pile up.</summary>
    public static void Release(GpuDevice device, ClustSegModel model)
    {
        foreach (var tensor in model.Module.StateTensors().Where(t => t.IsAllocated))
        {
            device.Persistent.Release(tensor.Value);
            if (tensor is Parameter parameter) device.Persistent.Release(parameter.Grad);
        }
    }
}
