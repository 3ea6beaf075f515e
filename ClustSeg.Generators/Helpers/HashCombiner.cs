using System.Collections.Generic;

namespace ClustSeg.Generators.Helpers;

/// <summary>Order-dependent hash combination (System.HashCode is not available on netstandard2.0).</summary>
internal struct HashCombiner
{
    private int state;
    private bool started;

    public int Value => started ? state : 0;

    public void Add<T>(T value)
    {
        if (!started)
        {
            state = 17;
            started = true;
        }
        unchecked
        {
            state = state * 31 + (value is null ? 0 : EqualityComparer<T>.Default.GetHashCode(value));
        }
    }
}
