using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Training;

/// <summary>
/// A training checkpoint: the model's parameters and buffers under their usual names (so inference and evaluation load
/// it like any model checkpoint), the optimizer moments under <see cref="Checkpoint.TrainingStatePrefix"/>, the
/// objective's model metadata, the <see cref="TrainingState"/>, and the <see cref="WeightAverage"/> where the run keeps one. Written atomically: a crash leaves the previous
/// checkpoint intact.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>Downloads model and optimizer state and writes them with <paramref name="state"/> to <paramref name="path"/>.</summary>
    public static void Save(string path, GpuDevice device, Module model, AdamWOptimizer optimizer, IReadOnlyDictionary<string, string> modelMetadata, TrainingState state,
        WeightAverage? average = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(modelMetadata);
        ArgumentNullException.ThrowIfNull(state);
        var metadata = new Dictionary<string, string>(modelMetadata) { [TrainingState.MetadataKey] = state.ToJson() };
        var tensors = model.StateTensors()
            .Select(t => new SafetensorsTensor(t.Path, t.Shape.ToArray(), device.Download<float>(t.Value)))
            .Concat(optimizer.StateTensors(device))
            .Concat(average?.StateTensors(device) ?? []);
        SafetensorsFile.Write(path, tensors, metadata);
    }

    /// <summary>Reads the training state of a checkpoint without a device (to rebuild the run's settings before loading).</summary>
    public static TrainingState ReadState(string path) => TrainingState.FromMetadata(SafetensorsFile.Read(path).Metadata, path);

    /// <summary>
    /// Loads a training checkpoint into <paramref name="model"/> (allocating it if needed), <paramref name="optimizer"/>
    /// and <paramref name="average"/> if given; returns where the run stands.
    /// </summary>
    /// <exception cref="Errors.ClustSegException">The file is not a training checkpoint of this model.</exception>
    public static TrainingState Load(string path, GpuDevice device, Module model, AdamWOptimizer optimizer, WeightAverage? average = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var file = SafetensorsFile.Read(path);
        var state = TrainingState.FromMetadata(file.Metadata, path);
        var byName = Checkpoint.Verify(model, file, path);
        ModuleState.Allocate(model, device);
        foreach (var tensor in model.StateTensors()) device.Upload<float>(tensor.Value, byName[tensor.Path].Data);
        var byTensorName = file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        optimizer.LoadState(device, byTensorName, path);
        average?.LoadState(device, byTensorName, path);
        return state;
    }
}
