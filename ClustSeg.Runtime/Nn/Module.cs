namespace ClustSeg.Runtime.Nn;

/// <summary>
/// A node of a model's module tree, as in PyTorch: it owns parameters and buffers and registers named children,
/// and every tensor it owns is named by its dotted path from the root (<c>backbone.stages.1.0.conv1.weight</c>),
/// which is also its checkpoint name. Generated blocks and primitive layers derive from it.
/// </summary>
/// <remarks>
/// Forward state: a module used several times per step (a head applied after every decoder layer, a layer inside
/// an unrolled loop) keeps one saved state per Forward on a stack. Backward must run once per Forward, in reverse
/// order (the generated Backward is exactly the reverse schedule), and pops the state its Forward pushed.
/// </remarks>
public abstract class Module
{
    private readonly List<Module> _children = [];
    private readonly List<Module> _internal = [];
    private readonly List<Parameter> _parameters = [];
    private readonly List<ModuleBuffer> _buffers = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Stack<object> _saved = new();

    /// <summary>The name under the parent ("" for a root or an internal helper module).</summary>
    public string Name { get; private set; } = "";

    /// <summary>The module this one is registered in, or null for a root.</summary>
    public Module? Parent { get; private set; }

    /// <summary>Dotted path from the root, e.g. <c>backbone.stages.1.0</c>; "" for the root.</summary>
    public string Path
    {
        get
        {
            if (Parent is null) return Name;
            if (Name.Length == 0) return Parent.Path.Length == 0 ? $"({GetType().Name})" : $"{Parent.Path}.({GetType().Name})";
            return Parent.Path.Length == 0 ? Name : $"{Parent.Path}.{Name}";
        }
    }

    /// <summary>Named children in registration order.</summary>
    public IReadOnlyList<Module> Children => _children;

    /// <summary>Parameters registered directly on this module.</summary>
    public IReadOnlyList<Parameter> OwnParameters => _parameters;

    /// <summary>Buffers registered directly on this module.</summary>
    public IReadOnlyList<ModuleBuffer> OwnBuffers => _buffers;

    /// <summary>How many Forward states are waiting for their Backward.</summary>
    public int SavedStateDepth => _saved.Count;

    /// <summary>This module and its named descendants, depth first in registration order.</summary>
    public IEnumerable<Module> Modules()
    {
        yield return this;
        foreach (var child in _children)
        {
            foreach (var module in child.Modules()) yield return module;
        }
    }

    /// <summary>All parameters of the tree in registration order (the checkpoint and optimizer order).</summary>
    public IEnumerable<Parameter> Parameters() => Modules().SelectMany(m => m._parameters);

    /// <summary>All buffers of the tree in registration order.</summary>
    public IEnumerable<ModuleBuffer> Buffers() => Modules().SelectMany(m => m._buffers);

    /// <summary>Parameters then buffers: everything a checkpoint stores.</summary>
    public IEnumerable<ModuleTensor> StateTensors() => Parameters().Cast<ModuleTensor>().Concat(Buffers());

    /// <summary>Drops every saved Forward state in the tree, e.g. after an inference-only forward or a failed step.</summary>
    public void ClearSavedState()
    {
        _saved.Clear();
        foreach (var child in _children.Concat(_internal)) child.ClearSavedState();
    }

    /// <summary>Registers <paramref name="child"/> under <paramref name="name"/>; its tensors get the prefix <c>name.</c>.</summary>
    /// <exception cref="ArgumentException">The name is empty, contains '.', or is taken; or the child already has a parent.</exception>
    protected T RegisterChild<T>(string name, T child) where T : Module
    {
        ArgumentNullException.ThrowIfNull(child);
        ClaimName(name);
        Adopt(child, name);
        _children.Add(child);
        return child;
    }

    /// <summary>
    /// Registers a stateless helper (a generated block's inline relu or add) that is not part of the named tree:
    /// it owns no tensors, so it needs no checkpoint name, but its saved Forward state is cleared with this module's.
    /// </summary>
    /// <exception cref="ArgumentException">The helper owns parameters or buffers, which would then never be saved or trained.</exception>
    protected T RegisterInternal<T>(T child) where T : Module
    {
        ArgumentNullException.ThrowIfNull(child);
        if (child.StateTensors().Any())
        {
            throw new ArgumentException(
                $"'{child.GetType().Name}' owns parameters or buffers, so it must be registered with RegisterChild under a name; " +
                "an internal module's tensors would never be saved or trained.", nameof(child));
        }
        Adopt(child, "");
        _internal.Add(child);
        return child;
    }

    /// <summary>Registers a learned tensor of the given PyTorch-layout shape.</summary>
    protected Parameter RegisterParameter(string name, int[] shape, ParameterInit init, bool weightDecay = true)
    {
        ClaimName(name);
        var parameter = new Parameter(this, name, shape, init, weightDecay);
        _parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Registers a zero-initialised tensor that is saved with checkpoints but not trained (e.g. <c>seeds.bank</c>).</summary>
    protected ModuleBuffer RegisterBuffer(string name, int[] shape)
    {
        ClaimName(name);
        var buffer = new ModuleBuffer(this, name, shape);
        _buffers.Add(buffer);
        return buffer;
    }

    /// <summary>Pushes what Backward will need, when the context records for backward (training); otherwise does nothing.</summary>
    protected void SaveForBackward<T>(ModuleContext context, T state) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.RecordsBackward) _saved.Push(state);
    }

    /// <summary>Pops the state saved by the matching Forward (the most recent one not yet consumed).</summary>
    /// <exception cref="InvalidOperationException">Backward ran more often than Forward, or the state has another type.</exception>
    protected T RestoreForBackward<T>() where T : notnull
    {
        if (_saved.Count == 0)
        {
            throw new InvalidOperationException(
                $"Backward of '{DisplayPath}' ({GetType().Name}) found no saved Forward state: Backward must run once per Forward, in reverse order, " +
                "and Forward must run with a context that records for backward (ModuleContext.RecordsBackward).");
        }
        var state = _saved.Pop();
        if (state is T typed) return typed;
        throw new InvalidOperationException($"'{DisplayPath}' ({GetType().Name}) saved a {state.GetType().Name} but its Backward expects a {typeof(T).Name}.");
    }

    /// <summary>The path for messages ("the root module" for an unnamed root).</summary>
    protected string DisplayPath => Path.Length == 0 ? $"the root {GetType().Name}" : Path;

    private void ClaimName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.'))
        {
            throw new ArgumentException($"'{name}' contains '.', which separates the parts of a dotted path; use a name without dots.", nameof(name));
        }
        if (!_names.Add(name))
        {
            throw new ArgumentException($"'{DisplayPath}' already has a child, parameter or buffer named '{name}'.", nameof(name));
        }
    }

    private void Adopt(Module child, string name)
    {
        if (child.Parent is not null || ReferenceEquals(child, this))
        {
            throw new ArgumentException(
                $"'{child.GetType().Name}' is already registered as '{child.Path}'; to share weights, call the same module twice instead of registering it twice.",
                nameof(child));
        }
        child.Parent = this;
        child.Name = name;
    }
}
