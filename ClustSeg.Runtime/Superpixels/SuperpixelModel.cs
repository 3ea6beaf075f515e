using System.Globalization;
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

    /// <summary>The metadata key of the compactness eta a superpixel checkpoint is meant to run with.</summary>
    public const string CompactnessKey = "compactness";

    /// <summary>
    /// The compactness eta (s_p = eta sqrt(K) / max(H, W)) this model was trained with and runs with by default, or
    /// null when its checkpoint does not say (inference then uses <see cref="SuperpixelOptions.PositionScale"/>'s default).
    /// </summary>
    public float? Compactness { get; init; }

    /// <summary>Whether <paramref name="eta"/> can be a compactness: finite and at least 0.</summary>
    public static bool IsValidCompactness(float eta) => eta >= 0 && float.IsFinite(eta);

    /// <summary>The checkpoint metadata: model, task, empty class lists, spec_sha256, and the compactness when known.</summary>
    public static Dictionary<string, string> Metadata(float? compactness = null)
    {
        var metadata = Checkpoint.Metadata(Name, TaskName, [], [], SpecSha256);
        if (compactness is { } eta) metadata[CompactnessKey] = eta.ToString("R", CultureInfo.InvariantCulture);
        return metadata;
    }

    /// <summary>Allocates device memory and fills the parameters with their default initialisation for <paramref name="seed"/>.</summary>
    public void Initialize(GpuDevice device, int seed) => ModuleState.Initialize(_cnn, device, seed);

    /// <summary>Writes the model's initial state for <paramref name="seed"/> to a checkpoint without a device (atomic).</summary>
    public void SaveInitialCheckpoint(string path, int seed) => Checkpoint.SaveInitial(_cnn, seed, path, Metadata(Compactness));

    /// <summary>Downloads the parameters and writes a checkpoint with <see cref="Metadata"/> (atomic).</summary>
    public void Save(GpuDevice device, string path) => Checkpoint.Save(_cnn, device, path, Metadata(Compactness));

    /// <summary>Opens a superpixel checkpoint, checking its metadata and spec hash, and uploads its tensors.</summary>
    /// <exception cref="ClustSegException">The file is not a superpixel checkpoint of this build's spec, or its tensors differ.</exception>
    public static SuperpixelModel Load(GpuDevice device, string path)
    {
        ArgumentNullException.ThrowIfNull(device);
        var metadata = SafetensorsFile.Read(path).Metadata;
        CheckMetadata(metadata, path);
        var model = new SuperpixelModel { Compactness = ReadCompactness(metadata, path) };
        Checkpoint.Load(model._cnn, device, path);
        return model;
    }

    /// <summary>
    /// Writes a copy of the superpixel checkpoint <paramref name="source"/> that runs at <paramref name="compactness"/>
    /// by default (its <see cref="CompactnessKey"/> metadata); tensors and every other metadata entry are kept. Atomic.
    /// </summary>
    /// <exception cref="ClustSegException">The source is not a superpixel checkpoint of this build's spec.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The compactness is negative or not finite.</exception>
    public static void WriteWithCompactness(string source, string destination, float compactness)
    {
        if (!IsValidCompactness(compactness))
            throw new ArgumentOutOfRangeException(nameof(compactness), compactness, "The compactness must be a finite number of at least 0.");
        var file = SafetensorsFile.Read(source);
        CheckMetadata(file.Metadata, source);
        var metadata = new Dictionary<string, string>(file.Metadata) { [CompactnessKey] = compactness.ToString("R", CultureInfo.InvariantCulture) };
        SafetensorsFile.Write(destination, file.Tensors, metadata);
    }

    private static float? ReadCompactness(IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (!metadata.TryGetValue(CompactnessKey, out var text)) return null;
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var eta) && IsValidCompactness(eta)) return eta;
        throw new ClustSegException($"Checkpoint '{path}' gives its compactness as '{text}', which is not a number of at least 0.",
            "Write the checkpoint again with clustseg-cli, or remove the 'compactness' metadata entry and pass --compactness.");
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

    /// <summary>The CNN's input width is padded to a multiple of this, so that every row is a whole number of vec4s.</summary>
    public const int CnnWidthMultiple = 8;

    /// <summary>The CNN's input height is padded to a multiple of this, so that the stride-2 branch upsamples by exactly 2.</summary>
    public const int CnnHeightMultiple = 2;

    /// <summary>The size the CNN runs at for an image of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static (int Height, int Width) CnnSize(int height, int width) =>
        (RoundUp(height, CnnHeightMultiple), RoundUp(width, CnnWidthMultiple));

    /// <summary>
    /// The CNN's input on the host: the Lab * s_c planes of <paramref name="labXy"/> [5, H, W] (the first three),
    /// padded below and on the right to <see cref="CnnSize"/> by repeating the last row and column.
    /// </summary>
    /// <remarks>
    /// A 481-pixel row is never a whole number of vec4s, and every CPU-device kernel writing one stores element by
    /// element. At the padded size each kernel of the CNN runs its vector path. Repeating the border rather than adding
    /// zeros adds no edge that the CNN would answer to; the output is cropped back to H x W. Training runs the same
    /// padding, so the model it learns is the one inference evaluates.
    /// </remarks>
    public static float[] CnnInput(ReadOnlySpan<float> labXy, int height, int width)
    {
        var n = height * width;
        if (labXy.Length != SuperpixelFeatures.LabXyChannels * n)
            throw new ArgumentException($"Expected Lab + (y, x) features [5, {height}, {width}] ({SuperpixelFeatures.LabXyChannels * n} values), got {labXy.Length}.", nameof(labXy));
        var (paddedHeight, paddedWidth) = CnnSize(height, width);
        var input = new float[LabChannels * paddedHeight * paddedWidth];
        for (var c = 0; c < LabChannels; c++)
        for (var y = 0; y < paddedHeight; y++)
        {
            var source = labXy.Slice(c * n + Math.Min(y, height - 1) * width, width);
            var row = input.AsSpan((c * paddedHeight + y) * paddedWidth, paddedWidth);
            source.CopyTo(row);
            row[width..].Fill(source[^1]);
        }
        return input;
    }

    /// <summary>
    /// Records the pixel features concat(CNN(Lab), labXy) [1, 25, H, W] from <paramref name="labXy"/> [1, 5, H, W]
    /// (<see cref="SuperpixelFeatures.LabXy"/>) and <paramref name="cnnInput"/> [1, 3, H', W'] (<see cref="CnnInput"/>).
    /// In a training context the CNN keeps its state for <see cref="RecordFeaturesBackward"/>. Batches hold one image,
    /// since K and with it every EM tensor changes from image to image.
    /// </summary>
    public Tensor RecordFeatures(ModuleContext context, Tensor labXy, Tensor cnnInput)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(labXy);
        ArgumentNullException.ThrowIfNull(cnnInput);
        if (labXy.Rank != 4 || labXy.Dim(0) != 1 || labXy.Dim(1) != SuperpixelFeatures.LabXyChannels)
            throw new ArgumentException($"'{labXy.Name}' is [{labXy.ShapeText}]; the superpixel model takes the Lab + (y, x) features of one image [1, 5, H, W].", nameof(labXy));
        int h = labXy.Dim(2), w = labXy.Dim(3);
        var (paddedHeight, paddedWidth) = CnnSize(h, w);
        if (!cnnInput.Shape.SequenceEqual([1, LabChannels, paddedHeight, paddedWidth]))
            throw new ArgumentException($"'{cnnInput.Name}' is [{cnnInput.ShapeText}]; for a {h} x {w} image the CNN takes [1, {LabChannels}, {paddedHeight}, {paddedWidth}] (SuperpixelModel.CnnInput).", nameof(cnnInput));
        var features = context.Scratch.Allocate("superpixel.features", DType.F32, 1, FeatureChannels, h, w);
        RecordCnnInto(context, cnnInput, features);
        context.Recorder.CopyChannels(labXy, 0, features, CnnChannels, SuperpixelFeatures.LabXyChannels);
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
        int h = featuresGrad.Dim(2), w = featuresGrad.Dim(3);
        var (paddedHeight, paddedWidth) = CnnSize(h, w);
        var cnnGrad = context.Scratch.Allocate("superpixel.cnn.grad", DType.F32, 1, CnnChannels, paddedHeight, paddedWidth);
        // The crop's backward pads with zeros: the padding's outputs are not features.
        context.Recorder.CopyPlanes(CnnChannelsOf(featuresGrad), cnnGrad);
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
            var cnnInput = UploadCnnInput(device, labXy, height, width);
            using var recorder = device.BeginRecording();
            var features = RecordFeatures(TrainingStep.InferenceContext(device, recorder), input, cnnInput);
            recorder.Submit();
            return device.Download<float>(features);
        }
        finally
        {
            scratch.Reset();
        }
    }

    /// <summary>
    /// The pixel features [1, 25, H, W] of one image on the device: the CNN's 20 channels, then
    /// <paramref name="labXy"/>. The tensor belongs to the model and holds the latest image's CNN output, keyed by the
    /// image object and the Lab settings, so segmenting one image at several K runs the CNN once; each call rewrites
    /// the Lab + (y, x) channels, whose s_p depends on K. <paramref name="cnnTime"/> is what the CNN pass took when it
    /// ran, so time per image stays honest when the cache answers. The tensor stays valid until the next call.
    /// </summary>
    public Tensor DeviceFeatures(GpuDevice device, RgbImage image, float[] labXy, SuperpixelOptions options, out TimeSpan cnnTime)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        int h = image.Height, w = image.Width;
        if (_cache is not { } hit || !hit.Answers(image, options, device))
        {
            if (_cache is { } stale && stale.Features.IsAlive && ReferenceEquals(stale.Features.Arena, device.Persistent))
                device.Persistent.Release(stale.Features);
            _cache = null;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var features = device.Persistent.Allocate("superpixel.features", DType.F32, 1, FeatureChannels, h, w);
            var scratch = device.Scratch;
            scratch.Reset();
            try
            {
                var cnnInput = UploadCnnInput(device, labXy, h, w);
                using var recorder = device.BeginRecording();
                RecordCnnInto(TrainingStep.InferenceContext(device, recorder), cnnInput, features);
                recorder.Submit();
            }
            catch
            {
                device.Persistent.Release(features);
                throw;
            }
            finally
            {
                scratch.Reset();
            }
            hit = new CnnCacheEntry(image, options.ColorScale, options.Smoothing, features, clock.Elapsed);
            _cache = hit;
        }
        device.Upload<float>(hit.Features, (long)CnnChannels * h * w, labXy);
        cnnTime = hit.Time;
        return hit.Features;
    }

    /// <summary>Runs the CNN on <paramref name="cnnInput"/> and crops its output into the first 20 channels of <paramref name="features"/>.</summary>
    private void RecordCnnInto(ModuleContext context, Tensor cnnInput, Tensor features) =>
        context.Recorder.CopyPlanes(_cnn.Forward(context, cnnInput), CnnChannelsOf(features));

    /// <summary>The first 20 channels of a one-image [1, 25, H, W] tensor: contiguous and at its start, so a view.</summary>
    private static Tensor CnnChannelsOf(Tensor features) =>
        features.Window($"{features.Name}.cnn", 0, 1, CnnChannels, features.Dim(2), features.Dim(3))
        ?? throw new InvalidOperationException("A view at a tensor's own offset is always bindable.");

    /// <summary>Uploads <see cref="CnnInput"/> of one image into a new scratch tensor [1, 3, H', W'].</summary>
    internal static Tensor UploadCnnInput(GpuDevice device, float[] labXy, int height, int width)
    {
        var (paddedHeight, paddedWidth) = CnnSize(height, width);
        var input = device.Scratch.Allocate("superpixel.cnn.input", DType.F32, 1, LabChannels, paddedHeight, paddedWidth);
        device.Upload<float>(input, CnnInput(labXy, height, width));
        return input;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private sealed record CnnCacheEntry(RgbImage Image, float ColorScale, float Smoothing, Tensor Features, TimeSpan Time)
    {
        public bool Answers(RgbImage image, SuperpixelOptions options, GpuDevice device) =>
            ReferenceEquals(Image, image) && ColorScale == options.ColorScale && Smoothing == options.Smoothing &&
            Features.IsAlive && ReferenceEquals(Features.Arena, device.Persistent);
    }
}
