namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// A small seeded random generator (SplitMix64) whose sequence is fixed by this code, not by the .NET version, so
/// generated data, augmentation and data order are reproducible anywhere and can be resumed exactly.
/// </summary>
public sealed class TrainingRandom
{
    private ulong _state;

    /// <summary>Starts the sequence for <paramref name="seed"/>.</summary>
    public TrainingRandom(ulong seed) => _state = seed;

    /// <summary>A generator for a stream derived from a seed and up to three indices (e.g. seed, epoch, position).</summary>
    public static TrainingRandom Derive(ulong seed, long a, long b = 0, long c = 0)
    {
        var state = Mix(seed ^ 0x5851F42D4C957F2DUL);
        state = Mix(state ^ (ulong)a);
        state = Mix(state ^ (ulong)b * 0x9E3779B97F4A7C15UL);
        state = Mix(state ^ (ulong)c * 0xC2B2AE3D27D4EB4FUL);
        return new TrainingRandom(state);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double NextDouble(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>A uniform integer in [0, <paramref name="count"/>).</summary>
    public int NextInt(int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The count must be positive.");
        return (int)((NextUInt64() >> 33) * (ulong)count >> 31);
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int min, int maxExclusive) => min + NextInt(maxExclusive - min);

    /// <summary>True with probability <paramref name="probability"/>.</summary>
    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher-Yates).</summary>
    public void Shuffle<T>(T[] items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
