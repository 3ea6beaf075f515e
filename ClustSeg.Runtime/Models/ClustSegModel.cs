using System.Text.Json;
using ClustSeg.Models;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Models;

/// <summary>
/// A ClustSeg model for one mask task: the generated module tree of a variant plus what a checkpoint records about it
/// (task, class names, thing ids). Forward and Backward record onto a <see cref="ModuleContext"/>; the caller submits.
/// </summary>
public sealed partial class ClustSegModel
{
    private readonly IClustSegNetwork _network;

    /// <summary>Builds a model (no device memory yet; see <see cref="Initialize"/> and <see cref="Load"/>).</summary>
    /// <param name="variant">Which variant.</param>
    /// <param name="task">Semantic, instance or panoptic.</param>
    /// <param name="classNames">One name per class, things first.</param>
    /// <param name="things">How many of the classes are things (ids 0 .. things - 1).</param>
    /// <exception cref="ClustSegException">The class counts do not fit the task.</exception>
    public ClustSegModel(ClustSegVariant variant, ClustSegTask task, IReadOnlyList<string> classNames, int things)
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(classNames);
        Variant = variant;
        Task = task;
        ClassNames = classNames.ToArray();
        Things = things;
        Module = variant.Build(task, ClassNames.Count, things);
        _network = (IClustSegNetwork)Module;
    }

    /// <summary>The variant.</summary>
    public ClustSegVariant Variant { get; }

    /// <summary>The task.</summary>
    public ClustSegTask Task { get; }

    /// <summary>Class names, things first.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of classes (the class head predicts these plus no-object).</summary>
    public int Classes => ClassNames.Count;

    /// <summary>Number of thing classes (ids 0 .. Things - 1).</summary>
    public int Things { get; }

    /// <summary>The generated module tree (parameters, buffers, checkpoint names).</summary>
    public Module Module { get; }

    /// <summary>Number of decoder layers, i.e. of predictions per forward pass.</summary>
    public int DecoderLayers => _network.LayerCount;

    /// <summary>D, the width of the pixel decoder and the centres.</summary>
    public int Dim => _network.Dim;

    /// <summary>K, the number of centres: classes (semantic), K_th (instance), stuff classes + K_th (panoptic).</summary>
    public int Centres => Task switch
    {
        ClustSegTask.Semantic => Classes,
        ClustSegTask.Instance => Variant.ThingSeeds,
        _ => Classes - Things + Variant.ThingSeeds,
    };

    /// <summary>The class memory bank [classes, D] (semantic and panoptic), or null (instance).</summary>
    public ModuleBuffer? Bank => _network.Seeds.Bank;

    /// <summary>The checkpoint metadata clustseg.md fixes: model, task, class_names, thing_ids, spec_sha256.</summary>
    public Dictionary<string, string> Metadata() =>
        Checkpoint.Metadata(Variant.Name, Task.Name(), ClassNames, Enumerable.Range(0, Things).ToArray(), Variant.SpecSha256);

    /// <summary>Allocates device memory and fills every parameter with PyTorch's default initialisation (the bank with 0).</summary>
    public void Initialize(GpuDevice device, int seed) => ModuleState.Initialize(Module, device, seed);

    /// <summary>Writes the model's initial state for <paramref name="seed"/> to a checkpoint without a device (atomic).</summary>
    public void SaveInitialCheckpoint(string path, int seed) => Checkpoint.SaveInitial(Module, seed, path, Metadata());

    /// <summary>Downloads the state and writes a checkpoint with <see cref="Metadata"/> (atomic).</summary>
    public void Save(GpuDevice device, string path) => Checkpoint.Save(Module, device, path, Metadata());

    /// <summary>
    /// Opens a checkpoint: builds the model its metadata describes, checks the spec hash, names and shapes, and uploads
    /// the tensors.
    /// </summary>
    /// <exception cref="ClustSegException">The metadata is missing or names another spec; names or shapes differ.</exception>
    public static ClustSegModel Load(GpuDevice device, string path)
    {
        var model = Describe(path);
        Checkpoint.Load(model.Module, device, path);
        return model;
    }

    /// <summary>Builds the model a checkpoint's metadata describes and checks the file against it, without a device.</summary>
    /// <exception cref="ClustSegException">The metadata is missing or names another spec; names or shapes differ.</exception>
    public static ClustSegModel Describe(string path)
    {
        var file = SafetensorsFile.Read(path);
        var metadata = file.Metadata;
        string Required(string key) => metadata.TryGetValue(key, out var value)
            ? value
            : throw new ClustSegException($"Checkpoint '{path}' has no '{key}' in its metadata, so the model it holds is unknown.",
                "Use a checkpoint written by `clustseg-cli init` or by training.");
        var variant = ClustSegVariant.Find(Required("model"));
        var task = ClustSegTasks.Parse(Required("task"));
        var classNames = ParseJson<string[]>(path, "class_names", Required("class_names"));
        var thingIds = ParseJson<int[]>(path, "thing_ids", Required("thing_ids"));
        if (!thingIds.SequenceEqual(Enumerable.Range(0, thingIds.Length)))
        {
            throw new ClustSegException($"Checkpoint '{path}' lists thing_ids {Required("thing_ids")}, but ClustSeg numbers things first (0 .. M-1).",
                "Renumber the classes so that things come first, as clustseg.md fixes.");
        }
        var spec = Required("spec_sha256");
        if (!string.Equals(spec, variant.SpecSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ClustSegException(
                $"Checkpoint '{path}' was made from a different layer spec (spec_sha256 {spec}) than this build's models/clustseg.cseg ({variant.SpecSha256}).",
                "Use the clustseg-cli build that made the checkpoint, or make a new checkpoint with this one.");
        }
        var model = new ClustSegModel(variant, task, classNames, thingIds.Length);
        Checkpoint.Verify(model.Module, file, path);
        return model;
    }

    /// <summary>
    /// Records the forward pass of a padded, normalised batch <paramref name="image"/> [B, 3, Hp, Wp] (Hp and Wp
    /// multiples of 32; see <see cref="ModelInput"/>). Unless <paramref name="imageGradient"/> is set, the image is
    /// declared gradient-free (<see cref="ModuleContext.SkipGradientOf"/>): training needs only the parameter
    /// gradients, and the first convolution then skips its input gradient, the largest stride-2 one.
    /// </summary>
    public ClustSegOutputs Forward(ModuleContext context, Tensor image, bool imageGradient = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(image);
        if (image.Rank != 4 || image.Dim(1) != 3 || image.Dim(2) % ModelInput.SizeMultiple != 0 || image.Dim(3) % ModelInput.SizeMultiple != 0)
        {
            throw new ArgumentException(
                $"The model input '{image.Name}' is [{image.ShapeText}]; it must be [B, 3, H, W] with H and W multiples of {ModelInput.SizeMultiple} (pad with ModelInput.Batch).",
                nameof(image));
        }
        if (!imageGradient) context.SkipGradientOf(image);
        var (classLogits, maskLogits, centres, features8) = _network.Forward(context, image);
        return new ClustSegOutputs(classLogits, maskLogits, centres, features8);
    }

    /// <summary>
    /// Records the backward pass of the latest Forward from the loss gradients of every layer's class and mask logits
    /// (null entries or lists mean zero); parameter gradients are added to <see cref="Parameter.Grad"/>. Returns the
    /// gradient of the input image when Forward was asked for it (<c>imageGradient: true</c>), else null.
    /// </summary>
    public Tensor? Backward(ModuleContext context, IReadOnlyList<Tensor?>? dClassLogits, IReadOnlyList<Tensor?>? dMaskLogits, Tensor? dCentres = null) =>
        _network.Backward(context, dClassLogits, dMaskLogits, dCentres, null);

    private static T ParseJson<T>(string path, string key, string text) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new ClustSegException($"Checkpoint '{path}' has metadata '{key}' that is not a JSON list: {text}", "Write the checkpoint again with `clustseg-cli init` or training.", e);
        }
    }
}
