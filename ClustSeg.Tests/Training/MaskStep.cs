using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Training.Losses;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Tests.Training;

/// <summary>Runs one objective step the way the training loop does (zero gradients, record, optional update, submit).</summary>
internal static class MaskStep
{
    public static Dictionary<string, (double Value, float Weight)> Run(GpuDevice device, MaskObjective objective, TrainingBatch batch,
        Action<CommandRecorder>? beforeSubmit = null)
    {
        device.Scratch.Reset();
        using var recorder = device.BeginRecording();
        ModuleState.ZeroGradients(objective.Model, recorder);
        var step = objective.RecordStep(device, recorder, batch);
        beforeSubmit?.Invoke(step.Recorder);
        step.Recorder.Submit();
        if (!ReferenceEquals(step.Recorder, recorder)) step.Recorder.Dispose();
        return step.Losses.ToDictionary(t => t.Name, t => ((double)device.Download<float>(t.Value)[0], t.Weight));
    }

    public static double Total(Dictionary<string, (double Value, float Weight)> terms) => terms.Values.Sum(t => t.Value * t.Weight);

    public static double[] ReadDouble(GpuDevice device, Tensor tensor) => Array.ConvertAll(device.Download<float>(tensor), v => (double)v);

    /// <summary>Central differences of <paramref name="loss"/> with respect to the entries <paramref name="probes"/> of <paramref name="x"/>.</summary>
    public static double[] Differences(Func<double[], double> loss, double[] x, IReadOnlyList<int> probes, double epsilon = 1e-4)
    {
        var result = new double[probes.Count];
        for (var i = 0; i < probes.Count; i++)
        {
            var j = probes[i];
            var keep = x[j];
            x[j] = keep + epsilon;
            var up = loss(x);
            x[j] = keep - epsilon;
            var down = loss(x);
            x[j] = keep;
            result[i] = (up - down) / (2 * epsilon);
        }
        return result;
    }
}
