using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Training;

/// <summary>
/// One float tensor per parameter in the persistent arena, laid out like the parameters themselves: where the
/// parameters live in flat blocks (<see cref="ParameterBlock"/>), a flat tensor per block with a named view per
/// parameter, so that an update runs as one dispatch per block; otherwise a tensor per parameter. The AdamW moments
/// and the weight average are shadows. Allocated zeroed; the gaps between a block's slots stay zero.
/// </summary>
internal sealed class ParameterShadow
{
    private ParameterShadow(IReadOnlyList<Tensor> pieces, IReadOnlyList<Tensor> perParameter)
    {
        Pieces = pieces;
        PerParameter = perParameter;
    }

    /// <summary>The dispatch units, in the order of <see cref="PiecesOf"/>.</summary>
    public IReadOnlyList<Tensor> Pieces { get; }

    /// <summary>Each parameter's tensor (a view where it is in a block), named by the prefix and the parameter's path.</summary>
    public IReadOnlyList<Tensor> PerParameter { get; }

    /// <summary>
    /// The dispatch units of <paramref name="parameters"/>: the flat value and gradient tensors of each block that holds
    /// them, or each parameter's own where they were allocated one by one.
    /// </summary>
    public static IReadOnlyList<(Tensor Values, Tensor Gradients, bool WeightDecay)> PiecesOf(IReadOnlyList<Parameter> parameters) =>
        ParameterBlock.Covering(parameters) is { } blocks
            ? blocks.Select(b => (b.Values, b.Gradients, b.WeightDecay)).ToList()
            : parameters.Select(p => (p.Value, p.Grad, p.WeightDecay)).ToList();

    /// <summary>Allocates a zeroed shadow of <paramref name="parameters"/> (allocated already), its tensors named <paramref name="prefix"/> + path.</summary>
    public static ParameterShadow Allocate(GpuDevice device, IReadOnlyList<Parameter> parameters, string prefix)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(parameters);
        var perParameter = new Tensor[parameters.Count];
        var pieces = new List<Tensor>();
        if (ParameterBlock.Covering(parameters) is { } blocks)
        {
            var index = parameters.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
            foreach (var block in blocks)
            {
                var flat = Zeroed(device, prefix + block.Kind, block.Values.Shape.ToArray());
                foreach (var (p, offset) in block.Slots) perParameter[index[p]] = ParameterBlock.View(flat, prefix + p.Path, offset, p.Shape.ToArray());
                pieces.Add(flat);
            }
        }
        else
        {
            for (var i = 0; i < parameters.Count; i++)
            {
                perParameter[i] = Zeroed(device, prefix + parameters[i].Path, parameters[i].Shape.ToArray());
                pieces.Add(perParameter[i]);
            }
        }
        return new ParameterShadow(pieces, perParameter);
    }

    /// <summary>Each parameter's shadow as a checkpoint tensor (downloaded now).</summary>
    public IEnumerable<SafetensorsTensor> StateTensors(GpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return PerParameter.Select(t => new SafetensorsTensor(t.Name, t.Shape.ToArray(), device.Download<float>(t)));
    }

    /// <summary>Uploads every parameter's shadow from a checkpoint's tensors.</summary>
    /// <exception cref="ClustSegException">A tensor is missing or has the wrong size; <paramref name="what"/> and <paramref name="fix"/> explain it.</exception>
    public void Load(GpuDevice device, IReadOnlyDictionary<string, SafetensorsTensor> tensors, string path, string what, string fix)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var tensor in PerParameter)
        {
            if (!tensors.TryGetValue(tensor.Name, out var saved) || saved.Data.Length != tensor.ElementCount)
                throw new ClustSegException($"Training checkpoint '{path}' has no {what} '{tensor.Name}' of {tensor.ElementCount} values, so training cannot resume exactly.", fix);
            device.Upload<float>(tensor, saved.Data);
        }
    }

    private static Tensor Zeroed(GpuDevice device, string name, int[] shape)
    {
        var tensor = device.Persistent.Allocate(name, DType.F32, shape);
        device.Upload<float>(tensor, new float[tensor.ElementCount]);
        return tensor;
    }
}
