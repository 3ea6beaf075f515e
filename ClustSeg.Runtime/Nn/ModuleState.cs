using System.Text;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Nn;

/// <summary>Device memory and initial values for a model's parameters and buffers.</summary>
public static class ModuleState
{
    /// <summary>
    /// Allocates every parameter (value and gradient) and buffer of the tree in the persistent arena, named by its
    /// dotted path (gradients as <c>path.grad</c>). Parameters go into flat blocks, one per weight-decay flag
    /// (<see cref="ParameterBlock"/>), so that the optimizer updates each block in one dispatch. Tensors already
    /// allocated are kept.
    /// </summary>
    public static void Allocate(Module model, GpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(device);
        var fresh = model.StateTensors().Where(t => !t.IsAllocated).ToList();
        foreach (var buffer in fresh.OfType<ModuleBuffer>()) buffer.BindValue(device.Persistent.Allocate(buffer.Path, DType.F32, buffer.Shape.ToArray()));
        var parameters = fresh.OfType<Parameter>().ToList();
        if (parameters.Count > 0) ParameterBlock.Allocate(device, parameters);
    }

    /// <summary>
    /// Host initial values by dotted path, in registration order: parameters by their <see cref="ParameterInit"/>,
    /// buffers zero. Each tensor draws from its own generator seeded by <paramref name="seed"/> and its path, so adding
    /// a layer does not change the initial values of the others.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, float[]>> InitialValues(Module model, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = new List<KeyValuePair<string, float[]>>();
        foreach (var tensor in model.StateTensors())
        {
            var values = new float[tensor.ElementCount];
            if (tensor is Parameter parameter) parameter.Init.Fill(values, new Random(SeedFor(seed, tensor.Path)));
            result.Add(new(tensor.Path, values));
        }
        return result;
    }

    /// <summary>Uploads <see cref="InitialValues"/> into the allocated tensors and zeroes the gradients.</summary>
    public static void Initialize(Module model, GpuDevice device, int seed)
    {
        ArgumentNullException.ThrowIfNull(device);
        Allocate(model, device);
        var byPath = model.StateTensors().ToDictionary(t => t.Path);
        foreach (var (path, values) in InitialValues(model, seed))
        {
            var tensor = byPath[path];
            device.Upload<float>(tensor.Value, values);
            if (tensor is Parameter parameter) device.Upload<float>(parameter.Grad, new float[values.Length]);
        }
    }

    /// <summary>Records <c>grad = 0</c> for every parameter (before the Backward of a new step).</summary>
    public static void ZeroGradients(Module model, CommandRecorder recorder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(recorder);
        var parameters = model.Parameters().ToList();
        if (ParameterBlock.Covering(parameters) is { } blocks)
        {
            foreach (var block in blocks) recorder.Fill(block.Gradients, 0f);
            return;
        }
        foreach (var parameter in parameters) recorder.Fill(parameter.Grad, 0f);
    }

    /// <summary>A stable seed from the model seed and a path (FNV-1a; string.GetHashCode differs between runs).</summary>
    private static int SeedFor(int seed, string path)
    {
        var hash = 2166136261u ^ unchecked((uint)seed * 16777619u);
        foreach (var b in Encoding.UTF8.GetBytes(path)) hash = unchecked((hash ^ b) * 16777619u);
        return unchecked((int)hash);
    }
}
