namespace ClustSeg.Runtime.Recording;

/// <summary>
/// Decides where barriers go: a dispatch needs one only if it reads what an earlier dispatch since the last barrier
/// wrote (read-after-write), or writes what one read or wrote (write-after-read, write-after-write). Ranges are
/// byte intervals of a block, so two tensors in one block never conflict unless they overlap.
/// </summary>
internal sealed class HazardTracker
{
    private readonly List<MemoryRange> _pending = [];

    internal readonly record struct MemoryRange(int Block, ulong Start, ulong End, bool Writes);

    /// <summary>True when any of <paramref name="accesses"/> conflicts with pending accesses.</summary>
    public bool Conflicts(ReadOnlySpan<MemoryRange> accesses)
    {
        foreach (var access in accesses)
        foreach (var earlier in _pending)
        {
            if (earlier.Block != access.Block || earlier.End <= access.Start || access.End <= earlier.Start) continue;
            if (earlier.Writes || access.Writes) return true;
        }
        return false;
    }

    /// <summary>Adds a dispatch's accesses to the pending set.</summary>
    public void Add(ReadOnlySpan<MemoryRange> accesses)
    {
        foreach (var access in accesses) _pending.Add(access);
    }

    /// <summary>Forgets everything before a barrier.</summary>
    public void Clear() => _pending.Clear();
}
