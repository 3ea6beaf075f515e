using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// The im2col columns that forward convolutions on the columns path unfolded (<see cref="Conv2dColumns"/>), so that
/// the weight gradient of the same input and geometry reads them instead of unfolding the input a second time: im2col
/// was about a tenth of a training step on lavapipe, half of it repeating the forward's work. The columns are scratch
/// tensors that stay allocated until the scratch arena is reset anyway, so keeping them costs no memory.
/// An entry is used only while its columns are alive and nothing has written its input or its columns since: every
/// dispatch, fill and upload that may write device memory reports the range (<see cref="Written"/>), so a hit always
/// holds exactly what unfolding the input now would give.
/// </summary>
internal sealed class ConvColumnsCache
{
    private readonly object _gate = new();
    private readonly List<Entry> _entries = [];

    private sealed record Entry(int Block, ulong InputStart, ulong InputEnd, Conv2dOp.Push Geometry, Tensor Columns);

    /// <summary>Columns unfolded from <paramref name="x"/> with geometry <paramref name="f"/>, or null.</summary>
    public Tensor? Find(Tensor x, in Conv2dOp.Push f)
    {
        var geometry = f;
        lock (_gate)
        {
            _entries.RemoveAll(e => !e.Columns.IsAlive);
            return _entries.Find(e => e.Block == x.Block.Id && e.InputStart == x.Offset && e.InputEnd == End(x) && e.Geometry == geometry)?.Columns;
        }
    }

    /// <summary>Remembers that <paramref name="columns"/> now holds the unfolding of <paramref name="x"/>.</summary>
    public void Add(Tensor x, in Conv2dOp.Push f, Tensor columns)
    {
        var entry = new Entry(x.Block.Id, x.Offset, End(x), f, columns);
        lock (_gate)
        {
            _entries.RemoveAll(e => !e.Columns.IsAlive);
            _entries.Add(entry);
        }
    }

    /// <summary>Forgets every entry whose input or columns overlap bytes [start, end) of block <paramref name="block"/>.</summary>
    /// <remarks>Called for every written binding of every dispatch, so it allocates nothing.</remarks>
    public void Written(int block, ulong start, ulong end)
    {
        lock (_gate)
        {
            for (var i = _entries.Count - 1; i >= 0; i--)
            {
                var e = _entries[i];
                if (Overlaps(e.Block, e.InputStart, e.InputEnd, block, start, end) ||
                    Overlaps(e.Columns.Block.Id, e.Columns.Offset, End(e.Columns), block, start, end))
                    _entries.RemoveAt(i);
            }
        }
    }

    private static bool Overlaps(int block, ulong start, ulong end, int writtenBlock, ulong writtenStart, ulong writtenEnd) =>
        block == writtenBlock && start < writtenEnd && writtenStart < end;

    private static ulong End(Tensor t) => t.Offset + Math.Max(t.ByteSize, 4);
}
