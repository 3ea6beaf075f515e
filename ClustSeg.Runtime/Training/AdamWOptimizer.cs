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

    private readonly IReadOnlyList<(Tensor Values, Tensor Gradients, bool WeightDecay)> _pieces;
    private readonly ParameterShadow _first;
    private readonly ParameterShadow _second;
    private readonly Tensor _norm;

    /// <summary>
    /// Allocates zero moments for every parameter of <paramref name="model"/>, allocating the model first where it is not
    /// yet (<see cref="ModuleState.Allocate"/> keeps what is), so that the moments take the layout of its flat blocks.
    /// </summary>
    public AdamWOptimizer(GpuDevice device, Module model, AdamWSettings settings, float maxGradientNorm)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(model);
        if (!(maxGradientNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxGradientNorm), maxGradientNorm, "The clipping norm must be positive.");
        Settings = settings;
        MaxGradientNorm = maxGradientNorm;
        var parameters = model.Parameters().ToList();
        if (parameters.Count == 0) throw new ArgumentException("The model has no parameters to train.", nameof(model));
        ModuleState.Allocate(model, device);
        // Laid out like the parameters, so that the norm and the update run once per flat block where there are blocks.
        _pieces = ParameterShadow.PiecesOf(parameters);
        _first = ParameterShadow.Allocate(device, parameters, CheckpointPrefix + "m.");
        _second = ParameterShadow.Allocate(device, parameters, CheckpointPrefix + "v.");
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
        // In a block the gaps between slots hold zeros in every flat tensor, which add nothing to the norm and stay zero.
        recorder.GlobalGradientNorm(_pieces.Select(p => p.Gradients).ToList(), _norm);
        for (var i = 0; i < _pieces.Count; i++)
        {
            // The update clips the gradient by the global norm as it reads it (no separate pass over the gradients).
            var (values, gradients, decay) = _pieces[i];
            recorder.AdamW(values, gradients, _first.Pieces[i], _second.Pieces[i], step, settings, decay: decay, clipNorm: _norm, maxNorm: MaxGradientNorm);
        }
    }

    /// <summary>The moments as checkpoint tensors (downloaded now).</summary>
    public IEnumerable<SafetensorsTensor> StateTensors(GpuDevice device) => _first.StateTensors(device).Concat(_second.StateTensors(device));

    /// <summary>Uploads the moments from a training checkpoint's tensors.</summary>
    /// <exception cref="Errors.ClustSegException">A moment is missing or has the wrong shape.</exception>
    public void LoadState(GpuDevice device, IReadOnlyDictionary<string, SafetensorsTensor> tensors, string path)
    {
        const string fix = "Resume from a checkpoint written by `clustseg-cli train` (RUN/checkpoint.safetensors), or start a new run with --init FILE to begin from its weights.";
        _first.Load(device, tensors, path, "optimizer state", fix);
        _second.Load(device, tensors, path, "optimizer state", fix);
    }
}
