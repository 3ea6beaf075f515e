using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Training;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Superpixels;

/// <summary>
/// Superpixel training (SSN): pixel features concat(CNN(Lab, yx), Lab, yx) -> grid seeds -> T EM iterations -> final
/// soft assignment -> label reconstruction cross-entropy (<c>ssn_label</c>) plus the compactness MSE of the
/// reconstructed scaled (y, x) (<c>compactness</c>), back through every EM iteration, the features and the CNN.
/// </summary>
public sealed class SuperpixelObjective : ITrainingObjective<SuperpixelBatch>
{
    private readonly SuperpixelTrainingSettings _settings;

    /// <summary>An objective training <paramref name="model"/> (initialised or loaded) with <paramref name="settings"/>.</summary>
    public SuperpixelObjective(SuperpixelModel model, SuperpixelTrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        SuperpixelModel = model;
        _settings = settings;
    }

    /// <summary>The superpixel model being trained.</summary>
    public SuperpixelModel SuperpixelModel { get; }

    /// <inheritdoc />
    public Module Model => SuperpixelModel.Module;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> CheckpointMetadata => SuperpixelModel.Metadata(_settings.Features.PositionScale);

    /// <inheritdoc />
    public TrainingStepRecording RecordStep(GpuDevice device, CommandRecorder recorder, SuperpixelBatch batch)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(batch);
        int h = batch.Height, w = batch.Width;
        if (batch.LabXy.Length != SuperpixelFeatures.LabXyChannels * h * w || batch.Labels.Length != h * w)
            throw new ArgumentException($"Batch '{batch.SampleId}' does not hold [5, {h}, {w}] features and [{h}, {w}] labels.", nameof(batch));
        var scratch = device.Scratch;
        var labXy = scratch.Allocate("superpixel.labxy", DType.F32, 1, SuperpixelFeatures.LabXyChannels, h, w);
        device.Upload<float>(labXy, batch.LabXy);
        var cnnInput = SuperpixelModel.UploadCnnInput(device, batch.LabXy, h, w);
        var labels = scratch.Allocate("superpixel.gt", DType.I32, 1, h, w);
        device.Upload<int>(labels, batch.Labels);

        var context = TrainingStep.TrainingContext(device, recorder);
        // The loop zeroed the gradients and checks that every Forward met its Backward; only the step itself is here.
        var features = Scaled(context, SuperpixelModel.RecordFeatures(context, labXy, cnnInput), _settings.FeatureScale, "superpixel.features.scaled");
        var positions = scratch.Allocate("superpixel.positions", DType.F32, 1, 2, h, w);
        recorder.SliceChannels(labXy, 3, positions);
        var loss = new SsnLossRecording(device, recorder, features, positions, labels, batch.LabelCount, batch.Grid, _settings.Iterations);
        SuperpixelModel.RecordFeaturesBackward(context,
            Scaled(context, loss.RecordBackward(_settings.LabelWeight, _settings.CompactnessWeight), _settings.FeatureScale, "superpixel.features.grad.scaled"));
        return new TrainingStepRecording(recorder,
            [new LossTerm("ssn_label", loss.LabelLoss, _settings.LabelWeight), new LossTerm("compactness", loss.CompactnessLoss, _settings.CompactnessWeight)]);
    }

    /// <summary>x * factor into a new scratch tensor (x itself when the factor is 1); the same op is its own backward.</summary>
    private static Tensor Scaled(ModuleContext context, Tensor x, float factor, string name)
    {
        if (factor == 1f) return x;
        var y = context.Scratch.Allocate(name, DType.F32, x.Shape.ToArray());
        context.Recorder.Scale(x, factor, y);
        return y;
    }
}
