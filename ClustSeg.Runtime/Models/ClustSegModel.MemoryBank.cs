using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Models;

public sealed partial class ClustSegModel
{
    private Tensor? _bankSeen;

    /// <summary>
    /// Records the training-time memory bank update (clustseg.md, Dreamy-Start) from this step's
    /// <see cref="ClustSegOutputs.Features8"/> and the int32 ground-truth <paramref name="labels"/> [B, Hp, Wp] of the
    /// padded batch (255 ignored): bank[c] = 0.99 bank[c] + 0.01 mean(F8 at pixels labelled c), the first update of a
    /// class copies. Call it after the step's Backward, in training only. Does nothing for instance models (no bank).
    /// </summary>
    public void UpdateMemoryBank(CommandRecorder recorder, Tensor features8, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        if (Bank is null) return;
        recorder.MemoryBankUpdate(features8, labels, Bank.Value, BankSeen(recorder));
    }

    /// <summary>Which bank rows were updated before; rebuilt from the bank's non-zero rows on first use (after a load).</summary>
    private Tensor BankSeen(CommandRecorder recorder)
    {
        if (_bankSeen is not null) return _bankSeen;
        var device = recorder.Device;
        var bank = device.Download<float>(Bank!.Value);
        var seen = new int[Classes];
        for (var c = 0; c < Classes; c++)
        {
            for (var d = 0; d < Dim; d++)
            {
                if (bank[c * Dim + d] != 0f) seen[c] = 1;
            }
        }
        _bankSeen = device.Persistent.Allocate("seeds.bank.seen", DType.I32, Classes);
        device.Upload<int>(_bankSeen, seen);
        return _bankSeen;
    }
}
