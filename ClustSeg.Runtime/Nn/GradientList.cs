using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Nn;

/// <summary>
/// The gradients of an array of values in a generated Backward: grows as elements are set, reads null (zero) for
/// elements never set.
/// </summary>
public sealed class GradientList : IReadOnlyList<Tensor?>
{
    private readonly List<Tensor?> _items = [];

    /// <summary>Creates a list holding <paramref name="initial"/> (null: empty).</summary>
    public GradientList(IReadOnlyList<Tensor?>? initial = null)
    {
        if (initial is not null) _items.AddRange(initial);
    }

    /// <summary>Number of slots set so far.</summary>
    public int Count => _items.Count;

    /// <summary>The gradient at <paramref name="index"/>; null when none was set.</summary>
    public Tensor? this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            return index < _items.Count ? _items[index] : null;
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            while (_items.Count <= index) _items.Add(null);
            _items[index] = value;
        }
    }

    /// <summary>Returns the current gradients and clears the list (the array's value is being overwritten in reverse).</summary>
    public Tensor?[] Take()
    {
        var taken = _items.ToArray();
        _items.Clear();
        return taken;
    }

    /// <summary>Adds <paramref name="incoming"/> element by element.</summary>
    public void Accumulate(ModuleContext context, IReadOnlyList<Tensor?>? incoming)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (incoming is null) return;
        for (var i = 0; i < incoming.Count; i++) this[i] = context.AccumulateGradient(this[i], incoming[i]);
    }

    /// <summary>The first <paramref name="length"/> gradients (null where none was set).</summary>
    public Tensor?[] ToArray(int length)
    {
        var result = new Tensor?[length];
        for (var i = 0; i < length; i++) result[i] = this[i];
        return result;
    }

    /// <inheritdoc />
    public IEnumerator<Tensor?> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
