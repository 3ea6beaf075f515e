using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Training;

/// <summary>
/// AdamW over every parameter of a module tree, with gradient-norm clipping, all on the device: one global norm
/// reduction, then the update, which clips each gradient by the norm as it reads it (no host round trip): one dispatch
/// per flat parameter block (<see cref="ParameterBlock"/>), or per tensor for parameters allocated one by one. Weight
/// decay follows each parameter's <see cref="Parameter.WeightDecay"/> mask (the layers exclude biases and norm scales).
/// The moments live in the persistent arena and travel in training checkpoints as <c>optimizer.m.PATH</c> and
/// <c>optimizer.v.PATH</c>.
/// </summary>
public sealed class AdamWOptimizer
{
    /// <summary>Prefix of the optimizer's tensors in a training checkpoint; model loaders skip these names.</summary>
    public const string CheckpointPrefix = Checkpoint.TrainingStatePrefix;

    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly Tensor[] _first;
    private readonly Tensor[] _second;
    private readonly Tensor _norm;
    // Where the parameters live in flat blocks (ParameterBlock): the blocks and their moments, laid out alike, so that
    // the norm and the update run once per block; null for parameters allocated one by one.
    private readonly IReadOnlyList<(ParameterBlock Block, Tensor First, Tensor Second)>? _blocks;

    /// <summary>Allocates zero moments for every parameter of <paramref name="model"/> (allocated already).</summary>
    public AdamWOptimizer(GpuDevice device, Module model, AdamWSettings settings, float maxGradientNorm)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(model);
        if (!(maxGradientNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxGradientNorm), maxGradientNorm, "The clipping norm must be positive.");
        Settings = settings;
        MaxGradientNorm = maxGradientNorm;
        _parameters = model.Parameters().ToList();
        if (_parameters.Count == 0) throw new ArgumentException("The model has no parameters to train.", nameof(model));
        _first = new Tensor[_parameters.Count];
        _second = new Tensor[_parameters.Count];
        if (ParameterBlock.Covering(_parameters) is { } blocks)
        {
            // Flat moments per block; each parameter's moments are named views of them (the checkpoint's tensors).
            var index = _parameters.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
            var flat = new List<(ParameterBlock, Tensor, Tensor)>();
            foreach (var block in blocks)
            {
                var first = device.Persistent.Allocate($"{CheckpointPrefix}m.{block.Kind}", DType.F32, block.Values.Shape.ToArray());
                var second = device.Persistent.Allocate($"{CheckpointPrefix}v.{block.Kind}", DType.F32, block.Values.Shape.ToArray());
                var zeros = new float[first.ElementCount];
                device.Upload<float>(first, zeros);
                device.Upload<float>(second, zeros);
                foreach (var (p, offset) in block.Slots)
                {
                    var i = index[p];
                    _first[i] = ParameterBlock.View(first, CheckpointPrefix + "m." + p.Path, offset, p.Shape.ToArray());
                    _second[i] = ParameterBlock.View(second, CheckpointPrefix + "v." + p.Path, offset, p.Shape.ToArray());
                }
                flat.Add((block, first, second));
            }
            _blocks = flat;
        }
        else
        {
            for (var i = 0; i < _parameters.Count; i++)
            {
                var p = _parameters[i];
                _first[i] = device.Persistent.Allocate(CheckpointPrefix + "m." + p.Path, DType.F32, p.Shape.ToArray());
                _second[i] = device.Persistent.Allocate(CheckpointPrefix + "v." + p.Path, DType.F32, p.Shape.ToArray());
                device.Upload<float>(_first[i], new float[p.ElementCount]);
                device.Upload<float>(_second[i], new float[p.ElementCount]);
            }
        }
        _norm = device.Persistent.Allocate("optimizer.gradient_norm", DType.F32, 1);
    }

    /// <summary>The AdamW hyper-parameters (the learning rate is replaced per step by the schedule).</summary>
    public AdamWSettings Settings { get; }

    /// <summary>Gradients are scaled down so that their global norm is at most this.</summary>
    public float MaxGradientNorm { get; }

    /// <summary>The global gradient norm before clipping, as of the last submitted step ([1] on the device).</summary>
    public Tensor GradientNorm => _norm;

    /// <summary>
    /// Records the global gradient norm and the update for 1-based <paramref name="step"/> with
    /// <paramref name="learningRate"/>; the update uses each gradient clipped to <see cref="MaxGradientNorm"/> and leaves
    /// <see cref="Parameter.Grad"/> as backward wrote it.
    /// </summary>
    public void RecordUpdate(CommandRecorder recorder, int step, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        var settings = Settings with { LearningRate = learningRate };
        if (_blocks is not null)
        {
            // The gaps between slots hold zeros in every flat tensor, which add nothing to the norm and stay zero.
            recorder.GlobalGradientNorm(_blocks.Select(b => b.Block.Gradients).ToList(), _norm);
            foreach (var (block, first, second) in _blocks)
            {
                recorder.AdamW(block.Values, block.Gradients, first, second, step, settings, decay: block.WeightDecay, clipNorm: _norm,
                    maxNorm: MaxGradientNorm);
            }
            return;
        }
        var gradients = _parameters.Select(p => p.Grad).ToList();
        recorder.GlobalGradientNorm(gradients, _norm);
        for (var i = 0; i < _parameters.Count; i++)
        {
            // The update clips the gradient by the global norm as it reads it (no separate pass over the gradients).
            var p = _parameters[i];
            recorder.AdamW(p.Value, p.Grad, _first[i], _second[i], step, settings, decay: p.WeightDecay, clipNorm: _norm, maxNorm: MaxGradientNorm);
        }
    }

    /// <summary>The moments as checkpoint tensors (downloaded now).</summary>
    public IEnumerable<SafetensorsTensor> StateTensors(GpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        for (var i = 0; i < _parameters.Count; i++)
        {
            var shape = _parameters[i].Shape.ToArray();
            yield return new SafetensorsTensor(_first[i].Name, shape, device.Download<float>(_first[i]));
            yield return new SafetensorsTensor(_second[i].Name, shape, device.Download<float>(_second[i]));
        }
    }

    /// <summary>Uploads the moments from a training checkpoint's tensors.</summary>
    /// <exception cref="Errors.ClustSegException">A moment is missing or has the wrong shape.</exception>
    public void LoadState(GpuDevice device, IReadOnlyDictionary<string, SafetensorsTensor> tensors, string path)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var moment in _first.Concat(_second))
        {
            if (!tensors.TryGetValue(moment.Name, out var saved) || saved.Data.Length != moment.ElementCount)
            {
                throw new Errors.ClustSegException(
                    $"Training checkpoint '{path}' has no optimizer state '{moment.Name}' of {moment.ElementCount} values, so training cannot resume exactly.",
                    "Resume from a checkpoint written by `clustseg-cli train` (RUN/checkpoint.safetensors), or start a new run with --init FILE to begin from its weights.");
            }
            device.Upload<float>(moment, saved.Data);
        }
    }
}
