using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Nn;

/// <summary>A tensor owned by a module (a parameter or a buffer), named by its dotted path and stored in the persistent arena.</summary>
public abstract class ModuleTensor
{
    private readonly int[] _shape;
    private Tensor? _value;

    private protected ModuleTensor(Module owner, string name, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d < 1))
        {
            throw new ArgumentException($"'{name}' of {owner.GetType().Name} has shape [{string.Join(", ", shape)}]; every dimension must be at least 1.", nameof(shape));
        }
        Owner = owner;
        Name = name;
        _shape = (int[])shape.Clone();
        ElementCount = _shape.Aggregate(1L, (a, d) => a * d);
    }

    /// <summary>The module that registered it.</summary>
    public Module Owner { get; }

    /// <summary>The name under its owner, e.g. <c>weight</c>.</summary>
    public string Name { get; }

    /// <summary>The dotted path from the root, e.g. <c>backbone.stem.conv1.weight</c>; the checkpoint name.</summary>
    public string Path => Owner.Path.Length == 0 ? Name : $"{Owner.Path}.{Name}";

    /// <summary>The shape in PyTorch's layout (conv weights [out, in/groups, kh, kw], linear weights [out, in]).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of elements.</summary>
    public long ElementCount { get; }

    /// <summary>Whether device memory has been bound (see <see cref="ModuleState.Allocate"/>).</summary>
    public bool IsAllocated => _value is not null;

    /// <summary>The device tensor holding the value.</summary>
    /// <exception cref="InvalidOperationException">No memory was allocated yet.</exception>
    public Tensor Value => _value ?? throw NotAllocated();

    internal void BindValue(Tensor value) => _value = value;

    private protected InvalidOperationException NotAllocated() =>
        new($"'{Path}' has no device memory yet; call ModuleState.Allocate(model, device) before running the model.");
}

/// <summary>A learned tensor: its value, the gradient Backward accumulates into, its initialisation and weight-decay flag.</summary>
public sealed class Parameter : ModuleTensor
{
    private Tensor? _grad;

    internal Parameter(Module owner, string name, int[] shape, ParameterInit init, bool weightDecay) : base(owner, name, shape)
    {
        Init = init ?? throw new ArgumentNullException(nameof(init));
        WeightDecay = weightDecay;
    }

    /// <summary>How <see cref="ModuleState.Initialize"/> fills it.</summary>
    public ParameterInit Init { get; internal set; }

    /// <summary>Whether the optimizer applies weight decay to it (conv and linear weights yes; biases, norms and embeddings no).</summary>
    public bool WeightDecay { get; }

    /// <summary>
    /// The gradient, same shape as the value. Backward adds to it (so gradients of a layer used several times
    /// sum up); the trainer zeroes it before each step (<see cref="ModuleState.ZeroGradients"/>).
    /// </summary>
    public Tensor Grad => _grad ?? throw NotAllocated();

    internal void BindGrad(Tensor grad) => _grad = grad;

    /// <summary>The flat block that holds this parameter's value and gradient, or null if they are tensors of their own.</summary>
    internal ParameterBlock? Block { get; set; }
}

/// <summary>A tensor saved with the checkpoint but not trained (e.g. the class memory bank <c>seeds.bank</c>); starts at zero.</summary>
public sealed class ModuleBuffer : ModuleTensor
{
    internal ModuleBuffer(Module owner, string name, int[] shape) : base(owner, name, shape)
    {
    }
}
