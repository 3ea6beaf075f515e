namespace ClustSeg.Runtime.Data.Training;

/// <summary>
/// Where a training run is in its data: the seed, the epoch and the position within the epoch's order. Saving it in
/// a checkpoint and passing it back to <see cref="TrainingDataLoader"/> continues with exactly the same samples and
/// the same augmentation draws.
/// </summary>
/// <param name="Seed">Seed of the order and the augmentation.</param>
/// <param name="Epoch">Epoch, from 0.</param>
/// <param name="Position">Samples already taken in this epoch.</param>
public sealed record TrainingDataCursor(ulong Seed, int Epoch = 0, int Position = 0);

/// <summary>
/// The sample order: each epoch is a permutation of all samples drawn from (seed, epoch), so any position of any
/// epoch can be recomputed without replaying the ones before it.
/// </summary>
public sealed class TrainingDataOrder
{
    private int _cachedEpoch = -1;
    private int[] _cached = [];

    /// <summary>An order over <paramref name="count"/> samples; <paramref name="shuffle"/> false keeps file order.</summary>
    public TrainingDataOrder(int count, ulong seed, bool shuffle = true)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "The dataset has no samples.");
        Count = count;
        Seed = seed;
        Shuffle = shuffle;
    }

    /// <summary>Samples per epoch.</summary>
    public int Count { get; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>Whether epochs are shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>The sample indices of <paramref name="epoch"/> in order.</summary>
    public int[] Epoch(int epoch)
    {
        if (epoch == _cachedEpoch) return _cached;
        var order = Enumerable.Range(0, Count).ToArray();
        if (Shuffle) TrainingRandom.Derive(Seed, epoch, -1).Shuffle(order);
        (_cachedEpoch, _cached) = (epoch, order);
        return order;
    }

    /// <summary>
    /// The next <paramref name="count"/> (sample index, augmentation seed) pairs after <paramref name="cursor"/>,
    /// continuing into the next epoch when one ends, and the cursor after them.
    /// </summary>
    public (List<(int Sample, ulong AugmentationSeed)> Items, TrainingDataCursor Next) Take(TrainingDataCursor cursor, int count)
    {
        if (cursor.Seed != Seed) throw new ArgumentException($"The cursor's seed {cursor.Seed} is not this order's seed {Seed}.", nameof(cursor));
        if (cursor.Position < 0 || cursor.Position > Count)
            throw new ArgumentException($"The cursor's position {cursor.Position} is outside 0..{Count}; was it saved for a different dataset?", nameof(cursor));
        var items = new List<(int, ulong)>(count);
        var (epoch, position) = (cursor.Epoch, cursor.Position);
        while (items.Count < count)
        {
            if (position == Count) (epoch, position) = (epoch + 1, 0);
            items.Add((Epoch(epoch)[position], TrainingRandom.Derive(Seed, epoch, position, 1).NextUInt64()));
            position++;
        }
        return (items, new TrainingDataCursor(Seed, epoch, position));
    }
}
