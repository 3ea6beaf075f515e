using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Nn;

/// <summary>
/// The values and gradients of parameters that share a weight-decay flag, laid out in two flat tensors of the
/// persistent arena; each parameter's <see cref="ModuleTensor.Value"/> and <see cref="Parameter.Grad"/> are views of
/// them at the same offset. Zeroing the gradients, their global norm and the AdamW update then each run as one
/// dispatch over the block instead of one per parameter: clustseg-tiny has about 160 parameters, and on lavapipe those
/// small dispatches cost 20 ms of a 165 ms training step at 256x256. Every slot starts on a binding-aligned offset
/// that is also a whole number of vec4s; the gaps between slots stay zero in both tensors.
/// </summary>
internal sealed class ParameterBlock
{
    private ParameterBlock(bool weightDecay, Tensor values, Tensor gradients, IReadOnlyList<(Parameter Parameter, long Offset)> slots)
    {
        WeightDecay = weightDecay;
        Values = values;
        Gradients = gradients;
        Slots = slots;
    }

    /// <summary>Whether AdamW decays these parameters.</summary>
    public bool WeightDecay { get; }

    /// <summary><c>decayed</c> or <c>undecayed</c>: the block's tensors are named <c>parameters.KIND</c> and <c>parameters.KIND.grad</c>.</summary>
    public string Kind => KindOf(WeightDecay);

    private static string KindOf(bool weightDecay) => weightDecay ? "decayed" : "undecayed";

    /// <summary>All values, [elements].</summary>
    public Tensor Values { get; }

    /// <summary>All gradients, laid out as <see cref="Values"/>.</summary>
    public Tensor Gradients { get; }

    /// <summary>The parameters and the element offset of each in <see cref="Values"/> and <see cref="Gradients"/>.</summary>
    public IReadOnlyList<(Parameter Parameter, long Offset)> Slots { get; }

    /// <summary>
    /// Allocates one block per weight-decay flag for <paramref name="parameters"/> (none allocated yet), zeroed, and
    /// binds each parameter's value and gradient to its views.
    /// </summary>
    public static void Allocate(GpuDevice device, IReadOnlyList<Parameter> parameters)
    {
        var alignment = Math.Max(16L, (long)device.Persistent.BindingAlignment / sizeof(float));
        foreach (var decay in new[] { true, false })
        {
            var members = parameters.Where(p => p.WeightDecay == decay).ToList();
            if (members.Count == 0) continue;
            var slots = new List<(Parameter, long)>();
            long total = 0;
            foreach (var p in members)
            {
                slots.Add((p, total));
                total += (p.ElementCount + alignment - 1) / alignment * alignment;
            }
            var kind = KindOf(decay);
            var values = device.Persistent.Allocate($"parameters.{kind}", DType.F32, checked((int)total));
            var gradients = device.Persistent.Allocate($"parameters.{kind}.grad", DType.F32, checked((int)total));
            var zeros = new float[total];
            device.Upload<float>(values, zeros);
            device.Upload<float>(gradients, zeros);
            var block = new ParameterBlock(decay, values, gradients, slots);
            foreach (var (p, offset) in slots)
            {
                var shape = p.Shape.ToArray();
                p.BindValue(View(values, p.Path, offset, shape));
                p.BindGrad(View(gradients, p.Path + ".grad", offset, shape));
                p.Block = block;
            }
        }
    }

    /// <summary>
    /// The blocks that hold exactly <paramref name="parameters"/>, or null when any of them is outside a block or a
    /// block also holds other parameters (a sub-module of a model allocated as a whole).
    /// </summary>
    public static IReadOnlyList<ParameterBlock>? Covering(IReadOnlyList<Parameter> parameters)
    {
        if (parameters.Count == 0 || parameters.Any(p => p.Block is null)) return null;
        var blocks = parameters.Select(p => p.Block!).Distinct().ToList();
        return blocks.Sum(b => b.Slots.Count) == parameters.Count ? blocks : null;
    }

    /// <summary>A view of <paramref name="flat"/> for the slot at <paramref name="offset"/>.</summary>
    public static Tensor View(Tensor flat, string name, long offset, int[] shape) =>
        flat.Window(name, offset, shape) ?? throw new InvalidOperationException($"Slot of '{name}' at element {offset} is not binding-aligned.");
}
