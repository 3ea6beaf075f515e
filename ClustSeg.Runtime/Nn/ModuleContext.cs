using ClustSeg.Runtime.Memory;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Nn;

/// <summary>Records <c>accumulated + incoming</c> into a new tensor; the gradient sum where a value fans out.</summary>
public interface IGradientAccumulator
{
    /// <summary>
    /// Returns a tensor holding <paramref name="accumulated"/> + <paramref name="incoming"/> (same shapes). It must
    /// not write into either argument: a layer's Backward may return the same tensor for several inputs.
    /// </summary>
    Tensor Add(ModuleContext context, Tensor accumulated, Tensor incoming);
}

/// <summary>
/// What a module needs while recording one step: the device, the command recorder, the arena for activations and
/// gradients, whether Forward keeps state for Backward, and how gradients are summed.
/// </summary>
public sealed class ModuleContext
{
    /// <summary>Creates a context; <paramref name="scratch"/> defaults to the device's per-step arena.</summary>
    public ModuleContext(GpuDevice device, CommandRecorder recorder, IGradientAccumulator gradients, bool recordsBackward, MemoryArena? scratch = null)
    {
        Device = device ?? throw new ArgumentNullException(nameof(device));
        Recorder = recorder ?? throw new ArgumentNullException(nameof(recorder));
        Gradients = gradients ?? throw new ArgumentNullException(nameof(gradients));
        RecordsBackward = recordsBackward;
        recorder.RecordsBackward = recordsBackward; // lets ops pick inference paths (CommandRecorder.RecordsBackward)
        Scratch = scratch ?? device.Scratch;
    }

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    /// <summary>The recorder that collects this step's dispatches.</summary>
    public CommandRecorder Recorder { get; }

    /// <summary>Where layers allocate outputs, gradients and temporaries; reset after each step.</summary>
    public MemoryArena Scratch { get; }

    /// <summary>Whether Forward saves state for Backward (training); false for inference.</summary>
    public bool RecordsBackward { get; }

    /// <summary>Sums gradients where a value fans out.</summary>
    public IGradientAccumulator Gradients { get; }

    private readonly HashSet<Tensor> _gradientFree = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Declares that no one reads the gradient of <paramref name="tensor"/> in this step (typically the network's input
    /// image, or any data tensor). A layer whose input it is may then skip recording that input's gradient in Backward
    /// and return null for it (see <see cref="NeedsGradient"/>); parameter gradients are unaffected.
    /// </summary>
    public void SkipGradientOf(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _gradientFree.Add(tensor);
    }

    /// <summary>
    /// Whether Backward must record the gradient of <paramref name="tensor"/>: true unless it was passed to
    /// <see cref="SkipGradientOf"/> in this context. Layers call it for their inputs; skipping is an optimisation, so a
    /// layer that ignores it stays correct.
    /// </summary>
    public bool NeedsGradient(Tensor tensor) => !_gradientFree.Contains(tensor);

    /// <summary>
    /// The sum of two gradient contributions, where null stands for zero: returns the other one unchanged when
    /// either is null, else records their sum. Generated Backward methods call this wherever a value is read more than once.
    /// </summary>
    public Tensor? AccumulateGradient(Tensor? accumulated, Tensor? incoming)
    {
        if (incoming is null) return accumulated;
        if (accumulated is null) return incoming;
        if (!accumulated.Shape.SequenceEqual(incoming.Shape))
        {
            throw new InvalidOperationException(
                $"Gradients to sum have different shapes: '{accumulated.Name}' [{accumulated.ShapeText}] and '{incoming.Name}' [{incoming.ShapeText}]; " +
                "a layer's Backward returned a gradient whose shape differs from its input's.");
        }
        return Gradients.Add(this, accumulated, incoming);
    }
}
