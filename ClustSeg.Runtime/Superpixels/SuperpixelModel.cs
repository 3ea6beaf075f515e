using ClustSeg.Models;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Superpixels;

/// <summary>
/// The trained superpixel model: the pixel CNN of models/superpixel.cseg on the image's Lab * s_c channels, whose 20
/// output channels go in front of the 5 Lab + (y, x) features to form the pixel features [B, 25, H, W] that the EM
/// clusters. The CNN does not see (y, x), so its output does not depend on K and one pass serves every K.
/// </summary>
public sealed class SuperpixelModel
{
    /// <summary>The model name checkpoints record.</summary>
    public const string Name = "clustseg-superpixel";

    /// <summary>The task name checkpoints record.</summary>
    public const string TaskName = "superpixel";

    /// <summary>D_sp, the CNN's output channels.</summary>
    public const int CnnChannels = 20;

    /// <summary>Channels of <see cref="RecordFeatures"/>: the CNN's, then Lab, then (y, x).</summary>
    public const int FeatureChannels = CnnChannels + SuperpixelFeatures.LabXyChannels;

    private const int LabChannels = 3;
    private readonly SuperpixelCnn _cnn = new(LabChannels, 32, CnnChannels, 8);
    private CnnCacheEntry? _cache;

    /// <summary>The generated module tree (parameters and checkpoint names).</summary>
    public Module Module => _cnn;

    /// <summary>SHA-256 of models/superpixel.cseg, which this build's CNN was generated from.</summary>
    public static string SpecSha256 => SuperpixelCnn.SpecSha256;

    /// <summary>The checkpoint metadata: model, task, empty class lists, spec_sha256.</summary>
    public static Dictionary<string, string> Metadata() => Checkpoint.Metadata(Name, TaskName, [], [], SpecSha256);

    /// <summary>Allocates device memory and fills the parameters with their default initialisation for <paramref name="seed"/>.</summary>
    public void Initialize(GpuDevice device, int seed) => ModuleState.Initialize(_cnn, device, seed);

    /// <summary>Writes the model's initial state for <paramref name="seed"/> to a checkpoint without a device (atomic).</summary>
    public void SaveInitialCheckpoint(string path, int seed) => Checkpoint.SaveInitial(_cnn, seed, path, Metadata());

    /// <summary>Downloads the parameters and writes a checkpoint with <see cref="Metadata"/> (atomic).</summary>
    public void Save(GpuDevice device, string path) => Checkpoint.Save(_cnn, device, path, Metadata());

    /// <summary>Opens a superpixel checkpoint, checking its metadata and spec hash, and uploads its tensors.</summary>
    /// <exception cref="ClustSegException">The file is not a superpixel checkpoint of this build's spec, or its tensors differ.</exception>
    public static SuperpixelModel Load(GpuDevice device, string path)
    {
        ArgumentNullException.ThrowIfNull(device);
        CheckMetadata(SafetensorsFile.Read(path).Metadata, path);
        var model = new SuperpixelModel();
        Checkpoint.Load(model._cnn, device, path);
        return model;
    }

    /// <summary>Whether a checkpoint's metadata says it holds a superpixel model (whatever its spec hash).</summary>
    public static bool IsSuperpixelCheckpoint(string path) =>
        SafetensorsFile.Read(path).Metadata.TryGetValue("task", out var task) && task == TaskName;

    /// <summary>Throws unless the metadata names this model, task and spec.</summary>
    internal static void CheckMetadata(IReadOnlyDictionary<string, string> metadata, string path)
    {
        metadata.TryGetValue("task", out var task);
        metadata.TryGetValue("model", out var model);
        if (task != TaskName || model != Name)
        {
            throw new ClustSegException(
                $"Checkpoint '{path}' holds a {model ?? "(unnamed)"} model for task {task ?? "(none)"}, not a superpixel model ({Name}).",
                task is null ? "Use a checkpoint written by superpixel training." : $"Run it with --task {task}, or pass a superpixel checkpoint (or none, for the untrained model).");
        }
        metadata.TryGetValue("spec_sha256", out var spec);
        if (!string.Equals(spec, SpecSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ClustSegException(
                $"Checkpoint '{path}' was made from a different layer spec (spec_sha256 {spec ?? "(none)"}) than this build's models/superpixel.cseg ({SpecSha256}).",
                "Use the clustseg-cli build that made the checkpoint, or train a new one with this build.");
        }
    }

    /// <summary>
    /// Records the pixel features concat(CNN(Lab), labXy) [B, 25, H, W] from <paramref name="labXy"/> [B, 5, H, W]
    /// (<see cref="SuperpixelFeatures.LabXy"/>). In a training context the CNN keeps its state for
    /// <see cref="RecordFeaturesBackward"/>.
    /// </summary>
    public Tensor RecordFeatures(ModuleContext context, Tensor labXy)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(labXy);
        if (labXy.Rank != 4 || labXy.Dim(1) != SuperpixelFeatures.LabXyChannels)
            throw new ArgumentException($"'{labXy.Name}' is [{labXy.ShapeText}]; the superpixel CNN takes Lab + (y, x) features [B, 5, H, W].", nameof(labXy));
        var lab = context.Scratch.Allocate("superpixel.lab", DType.F32, labXy.Dim(0), LabChannels, labXy.Dim(2), labXy.Dim(3));
        context.Recorder.SliceChannels(labXy, 0, lab);
        var cnn = _cnn.Forward(context, lab);
        var features = context.Scratch.Allocate("superpixel.features", DType.F32, labXy.Dim(0), FeatureChannels, labXy.Dim(2), labXy.Dim(3));
        context.Recorder.ConcatChannels([cnn, labXy], features);
        return features;
    }

    /// <summary>
    /// Records the backward of <see cref="RecordFeatures"/> from the features' gradient: the CNN's channels flow into
    /// the CNN (parameter gradients are added to <see cref="Parameter.Grad"/>); the Lab + (y, x) inputs are constants.
    /// </summary>
    public void RecordFeaturesBackward(ModuleContext context, Tensor featuresGrad)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(featuresGrad);
        var cnnGrad = context.Scratch.Allocate("superpixel.cnn.grad", DType.F32, featuresGrad.Dim(0), CnnChannels, featuresGrad.Dim(2), featuresGrad.Dim(3));
        context.Recorder.SliceChannels(featuresGrad, 0, cnnGrad);
        _cnn.Backward(context, cnnGrad);
    }

    /// <summary>Runs the features of one image on the device and returns them planar [25, H, W] on the host.</summary>
    public float[] ComputeFeatures(GpuDevice device, float[] labXy, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(device);
        var scratch = device.Scratch;
        scratch.Reset();
        try
        {
            var input = scratch.Allocate("superpixel.labxy", DType.F32, 1, SuperpixelFeatures.LabXyChannels, height, width);
            device.Upload<float>(input, labXy);
            using var recorder = device.BeginRecording();
            var features = RecordFeatures(TrainingStep.InferenceContext(device, recorder), input);
            recorder.Submit();
            return device.Download<float>(features);
        }
        finally
        {
            scratch.Reset();
        }
    }

    /// <summary>
    /// The pixel features [25, H, W] of one image on the host: the CNN's 20 channels, then <paramref name="labXy"/>.
    /// The CNN output of the latest image is kept, keyed by the image object and the Lab settings, so segmenting one
    /// image at several K runs the CNN once; <paramref name="cnnTime"/> is what the CNN pass took when it ran, so time
    /// per image stays honest when the cache answers.
    /// </summary>
    public float[] Features(GpuDevice device, RgbImage image, float[] labXy, SuperpixelOptions options, out TimeSpan cnnTime)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        int h = image.Height, w = image.Width, n = h * w;
        if (_cache is not { } hit || !ReferenceEquals(hit.Image, image) || hit.ColorScale != options.ColorScale || hit.Smoothing != options.Smoothing)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var all = ComputeFeatures(device, labXy, h, w);
            hit = new CnnCacheEntry(image, options.ColorScale, options.Smoothing, all[..(CnnChannels * n)], clock.Elapsed);
            _cache = hit;
        }
        var features = new float[FeatureChannels * n];
        hit.Cnn.CopyTo(features, 0);
        labXy.CopyTo(features, CnnChannels * n);
        cnnTime = hit.Time;
        return features;
    }

    private sealed record CnnCacheEntry(RgbImage Image, float ColorScale, float Smoothing, float[] Cnn, TimeSpan Time);
}
