using System.Text.Json;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Nn;

/// <summary>Saves and loads a model's parameters and buffers as a safetensors file named by their dotted paths.</summary>
public static class Checkpoint
{
    /// <summary>
    /// Names starting with this hold training state (optimizer moments) in a training checkpoint; loading a model skips
    /// them, so a training checkpoint also works wherever a model checkpoint does.
    /// </summary>
    public const string TrainingStatePrefix = "optimizer.";

    /// <summary>The metadata keys clustseg.md fixes: model, task, class_names, thing_ids, spec_sha256.</summary>
    public static Dictionary<string, string> Metadata(string model, string task, IReadOnlyList<string> classNames, IReadOnlyList<int> thingIds, string specSha256) => new()
    {
        ["model"] = model,
        ["task"] = task,
        ["class_names"] = JsonSerializer.Serialize(classNames),
        ["thing_ids"] = JsonSerializer.Serialize(thingIds),
        ["spec_sha256"] = specSha256,
    };

    /// <summary>Downloads every parameter and buffer and writes them (atomically) to <paramref name="path"/>.</summary>
    public static void Save(Module model, GpuDevice device, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(device);
        var tensors = model.StateTensors().Select(t => new SafetensorsTensor(t.Path, t.Shape.ToArray(), device.Download<float>(t.Value)));
        SafetensorsFile.Write(path, tensors, metadata);
    }

    /// <summary>Writes the initial state of <paramref name="model"/> for <paramref name="seed"/> (<see cref="ModuleState.InitialValues"/>) without a device, atomically.</summary>
    public static void SaveInitial(Module model, int seed, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var shapes = model.StateTensors().ToDictionary(t => t.Path, t => t.Shape.ToArray(), StringComparer.Ordinal);
        SafetensorsFile.Write(path, ModuleState.InitialValues(model, seed).Select(p => new SafetensorsTensor(p.Key, shapes[p.Key], p.Value)), metadata);
    }

    /// <summary>Reads <paramref name="path"/>, checks it against the model, and uploads every tensor; returns the file's metadata.</summary>
    /// <exception cref="CheckpointMismatchException">Names or shapes differ; the message lists every difference.</exception>
    public static IReadOnlyDictionary<string, string> Load(Module model, GpuDevice device, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(device);
        var file = SafetensorsFile.Read(path);
        var byName = Verify(model, file, path);
        ModuleState.Allocate(model, device);
        foreach (var tensor in model.StateTensors()) device.Upload<float>(tensor.Value, byName[tensor.Path].Data);
        return file.Metadata;
    }

    /// <summary>
    /// Fine-tuning start: initialises <paramref name="model"/> from <paramref name="seed"/>, then overwrites every tensor
    /// that <paramref name="path"/> holds under the same name with the same shape (a panoptic model's backbone, pixel
    /// decoder and decoder start an instance model; a head sized for other classes keeps its initial values).
    /// </summary>
    /// <returns>What was taken from the file and what kept its initial values, and why.</returns>
    /// <exception cref="CheckpointMismatchException">Not a single tensor matches: the file is for another model.</exception>
    public static PartialLoadReport LoadMatching(Module model, GpuDevice device, string path, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(device);
        var file = SafetensorsFile.Read(path);
        var found = file.Tensors.Where(t => !t.Name.StartsWith(TrainingStatePrefix, StringComparison.Ordinal)).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var expected = model.StateTensors().ToList();
        var names = new HashSet<string>(expected.Select(t => t.Path), StringComparer.Ordinal);
        var ignored = found.Keys.Where(name => !names.Contains(name)).ToList();
        var loaded = expected.Where(t => found.TryGetValue(t.Path, out var f) && f.Shape.SequenceEqual(t.Shape)).ToList();
        if (loaded.Count == 0)
        {
            var wrongShapes = expected.Where(t => found.ContainsKey(t.Path))
                .Select(t => $"{t.Path}: expected [{string.Join(", ", t.Shape)}], found {found[t.Path].ShapeText}").ToList();
            throw new CheckpointMismatchException(path, expected.Where(t => !found.ContainsKey(t.Path)).Select(t => t.Path).ToList(), ignored, wrongShapes);
        }
        ModuleState.Initialize(model, device, seed);
        foreach (var tensor in loaded) device.Upload<float>(tensor.Value, found[tensor.Path].Data);
        var kept = expected.Except(loaded)
            .Select(t => found.TryGetValue(t.Path, out var f) ? $"{t.Path} (shape [{string.Join(", ", t.Shape)}] here, {f.ShapeText} in the file)" : $"{t.Path} (not in the file)")
            .ToList();
        return new PartialLoadReport(loaded.Count, expected.Count, kept, ignored, file.Metadata);
    }

    /// <summary>Checks that the file holds exactly the model's tensors with the model's shapes; returns them by name.</summary>
    public static IReadOnlyDictionary<string, SafetensorsTensor> Verify(Module model, SafetensorsFile file, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        var modelTensors = file.Tensors.Where(t => !t.Name.StartsWith(TrainingStatePrefix, StringComparison.Ordinal)).ToList();
        var found = modelTensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var expected = model.StateTensors().ToList();
        var missing = expected.Where(t => !found.ContainsKey(t.Path)).Select(t => t.Path).ToList();
        var names = new HashSet<string>(expected.Select(t => t.Path), StringComparer.Ordinal);
        var unexpected = modelTensors.Where(t => !names.Contains(t.Name)).Select(t => t.Name).ToList();
        var wrongShapes = expected
            .Where(t => found.TryGetValue(t.Path, out var f) && !f.Shape.SequenceEqual(t.Shape))
            .Select(t => $"{t.Path}: expected [{string.Join(", ", t.Shape)}], found {found[t.Path].ShapeText}")
            .ToList();
        if (missing.Count + unexpected.Count + wrongShapes.Count > 0) throw new CheckpointMismatchException(path, missing, unexpected, wrongShapes);
        return found;
    }
}

/// <summary>What <see cref="Checkpoint.LoadMatching"/> took from a checkpoint.</summary>
/// <param name="Loaded">Tensors taken from the file.</param>
/// <param name="Total">Tensors of the model.</param>
/// <param name="KeptInitial">The model's tensors that kept their initial values, each with the reason.</param>
/// <param name="Ignored">Tensors of the file that the model does not have.</param>
/// <param name="Metadata">The file's metadata.</param>
public sealed record PartialLoadReport(int Loaded, int Total, IReadOnlyList<string> KeptInitial, IReadOnlyList<string> Ignored,
    IReadOnlyDictionary<string, string> Metadata);
