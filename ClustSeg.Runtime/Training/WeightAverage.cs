using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Training;

/// <summary>
/// An exponential moving average of the parameters, kept on the device and updated after every optimizer step with
/// one dispatch per parameter block: <c>average += (1 - d_t) (weights - average)</c>, where
/// <c>d_t = min(decay, (1 + t) / (10 + t))</c> after step t. The ramp lets the average follow the weights closely
/// early on, when they change fastest, instead of remembering the initial ones for thousands of steps; the first step
/// of a run copies the weights. Buffers (the memory bank) are not averaged: the saved model takes them as they are.
/// The average travels in training checkpoints as <c>optimizer.ema.PATH</c>, and the run's final model holds it in
/// place of the weights.
/// </summary>
public sealed class WeightAverage
{
    /// <summary>Names of the average's tensors in a training checkpoint start with this.</summary>
    public const string CheckpointPrefix = Checkpoint.TrainingStatePrefix + "ema.";

    /// <summary>Metadata key of a model file whose weights are an average: its value is the decay.</summary>
    public const string MetadataKey = "weight_average_decay";

    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly IReadOnlyList<Tensor> _weights;
    private readonly ParameterShadow _average;
    private bool _holdsWeights;

    /// <summary>
    /// An average of the parameters of <paramref name="model"/> with <paramref name="decay"/>; allocates the model first
    /// where it is not yet, as <see cref="AdamWOptimizer"/> does.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is not above 0 and below 1.</exception>
    public WeightAverage(GpuDevice device, Module model, double decay)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(model);
        if (!IsValidDecay(decay)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "The decay of a weight average is above 0 and below 1.");
        Decay = decay;
        _parameters = model.Parameters().ToList();
        if (_parameters.Count == 0) throw new ArgumentException("The model has no parameters to average.", nameof(model));
        ModuleState.Allocate(model, device);
        _weights = ParameterShadow.PiecesOf(_parameters).Select(p => p.Values).ToList();
        _average = ParameterShadow.Allocate(device, _parameters, CheckpointPrefix);
    }

    /// <summary>How much of the average each step keeps, once the ramp has reached it.</summary>
    public double Decay { get; }

    /// <summary>Whether <paramref name="decay"/> can be a weight average's decay (above 0, below 1).</summary>
    public static bool IsValidDecay(double decay) => decay is > 0 and < 1;

    /// <summary>The decay used after 1-based <paramref name="step"/>: the ramp <c>(1 + t) / (10 + t)</c>, capped at <see cref="Decay"/>.</summary>
    public double DecayAt(int step) => Math.Min(Decay, (1.0 + step) / (10.0 + step));

    /// <summary>Records the average's update after the optimizer step <paramref name="step"/> (1-based) was recorded.</summary>
    public void RecordUpdate(CommandRecorder recorder, int step)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        var fraction = _holdsWeights ? (float)(1 - DecayAt(step)) : 1f;
        for (var i = 0; i < _weights.Count; i++) recorder.MoveToward(_average.Pieces[i], _weights[i], fraction);
        _holdsWeights = true;
    }

    /// <summary>The average as checkpoint tensors (downloaded now).</summary>
    public IEnumerable<SafetensorsTensor> StateTensors(GpuDevice device) => _average.StateTensors(device);

    /// <summary>Uploads the average from a training checkpoint's tensors.</summary>
    /// <exception cref="ClustSegException">The checkpoint holds no average for some parameter (its run did not keep one).</exception>
    public void LoadState(GpuDevice device, IReadOnlyDictionary<string, SafetensorsTensor> tensors, string path)
    {
        _average.Load(device, tensors, path, "weight average",
            "Resume without --ema if the run was started without it, or start a new run with --init FILE --ema DECAY to average from its weights.");
        _holdsWeights = true;
    }

    /// <summary>
    /// The model's state as a model checkpoint holds it, with the average in place of every parameter and the buffers
    /// as they are (downloaded now).
    /// </summary>
    public IEnumerable<SafetensorsTensor> ModelTensors(GpuDevice device, Module model)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(model);
        if (!_holdsWeights) throw new InvalidOperationException("The weight average holds nothing before the first step.");
        var averaged = _parameters.Select((p, i) => (p.Path, Tensor: _average.PerParameter[i])).ToDictionary(x => x.Path, x => x.Tensor, StringComparer.Ordinal);
        return model.StateTensors().Select(t =>
            new SafetensorsTensor(t.Path, t.Shape.ToArray(), device.Download<float>(averaged.TryGetValue(t.Path, out var average) ? average : t.Value)));
    }
}
