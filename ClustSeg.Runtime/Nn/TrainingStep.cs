using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Nn;

/// <summary>
/// Records one training step of a model into a recorder: zero the gradients, run Forward keeping state, seed the
/// gradient of the output, run Backward. Generated models differ in their Forward and Backward signatures, so the
/// caller passes them as delegates.
/// </summary>
public static class TrainingStep
{
    /// <summary>A context for a training step: keeps Forward state and sums gradients with <see cref="KernelGradientAccumulator"/>.</summary>
    public static ModuleContext TrainingContext(GpuDevice device, CommandRecorder recorder) =>
        new(device, recorder, KernelGradientAccumulator.Instance, recordsBackward: true);

    /// <summary>A context for inference: Forward keeps no state.</summary>
    public static ModuleContext InferenceContext(GpuDevice device, CommandRecorder recorder) =>
        new(device, recorder, KernelGradientAccumulator.Instance, recordsBackward: false);

    /// <summary>
    /// Records <c>grad = 0</c> for every parameter of <paramref name="model"/>, then <paramref name="forward"/>, then
    /// <paramref name="backward"/> (which seeds the output gradient, e.g. with a loss kernel or <see cref="SeedGradient"/>,
    /// and calls the model's Backward). Returns the forward's result; the gradients hold their values once the recorder
    /// is submitted.
    /// </summary>
    /// <exception cref="InvalidOperationException">A module's Backward did not run once for each Forward.</exception>
    public static TOutput Record<TOutput>(ModuleContext context, Module model, Func<ModuleContext, TOutput> forward, Action<ModuleContext, TOutput> backward)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        if (!context.RecordsBackward)
        {
            throw new InvalidOperationException("A training step needs a context that records for backward; create it with TrainingStep.TrainingContext.");
        }
        ModuleState.ZeroGradients(model, context.Recorder);
        var output = forward(context);
        backward(context, output);
        var pending = model.Modules().Where(m => m.SavedStateDepth > 0).Select(m => m.Path.Length == 0 ? m.GetType().Name : m.Path).ToList();
        if (pending.Count > 0)
        {
            model.ClearSavedState();
            throw new InvalidOperationException(
                $"After Backward, these modules still hold Forward state: {string.Join(", ", pending)}. Backward must run once for every Forward; " +
                "call the model's Backward with a gradient for each output (null for none).");
        }
        return output;
    }

    /// <summary>A gradient for <paramref name="output"/> holding <paramref name="values"/> (uploaded now, read when the recording runs).</summary>
    public static Tensor SeedGradient(ModuleContext context, Tensor output, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        if (values.Length != output.ElementCount)
        {
            throw new ArgumentException($"The seed has {values.Length} values but '{output.Name}' [{output.ShapeText}] has {output.ElementCount} elements.", nameof(values));
        }
        var seed = context.Scratch.Allocate(output.Name + ".grad", DType.F32, output.Shape.ToArray());
        context.Device.Upload(seed, values);
        return seed;
    }

    /// <summary>A gradient for <paramref name="output"/> with every element <paramref name="value"/> (1 is the gradient of the output's sum).</summary>
    public static Tensor SeedGradient(ModuleContext context, Tensor output, float value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        var seed = context.Scratch.Allocate(output.Name + ".grad", DType.F32, output.Shape.ToArray());
        context.Recorder.Fill(seed, value);
        return seed;
    }
}
