namespace ClustSeg.Runtime.Nn;

/// <summary>
/// An ordered list of modules named "0", "1", ... as in PyTorch's ModuleList, so that element j of a generated
/// layer array <c>stages</c> row i is <c>stages.i.j</c>.
/// </summary>
public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    private readonly List<T> _items = [];

    /// <summary>Number of modules.</summary>
    public int Count => _items.Count;

    /// <summary>The module at <paramref name="index"/>.</summary>
    public T this[int index] => _items[index];

    /// <summary>Appends <paramref name="item"/> under the name of its index.</summary>
    public void Add(T item)
    {
        RegisterChild(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), item);
        _items.Add(item);
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
