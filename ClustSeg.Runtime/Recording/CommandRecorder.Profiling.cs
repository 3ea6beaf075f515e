using ClustSeg.Runtime.Vulkan;
using Silk.NET.Vulkan;

namespace ClustSeg.Runtime.Recording;

public sealed unsafe partial class CommandRecorder
{
    private readonly List<QueryPool> _queryPools = [];
    private readonly List<(string Label, string Kernel, string Output)> _timed = [];
    private readonly List<DispatchTiming> _timings = [];
    private uint _queryInBuffer;

    /// <summary>Per-dispatch device times of the last <see cref="Submit"/> in profiling mode (empty otherwise).</summary>
    public IReadOnlyList<DispatchTiming> Timings => _timings;

    private void StartTimingBuffer()
    {
        var create = new QueryPoolCreateInfo
        {
            SType = StructureType.QueryPoolCreateInfo,
            QueryType = QueryType.Timestamp,
            QueryCount = (uint)(2 * _maxPerBuffer),
        };
        QueryPool pool;
        VkCheck.Ok(_vk.CreateQueryPool(_device.Handle, &create, null, &pool), "vkCreateQueryPool");
        _queryPools.Add(pool);
        _vk.CmdResetQueryPool(_current, pool, 0, create.QueryCount);
        _queryInBuffer = 0;
    }

    private void BeginTiming(string label, string kernel, ReadOnlySpan<Binding> bindings)
    {
        if (!Profiling) return;
        // Layers name the tensors they write after their module path, so the written tensor tells whose work this is.
        var output = "";
        foreach (var binding in bindings)
        {
            if (binding.Access == Access.Read) continue;
            output = binding.Tensor.Name;
            break;
        }
        _timed.Add((label, kernel, output));
        _vk.CmdWriteTimestamp(_current, PipelineStageFlags.TopOfPipeBit, _queryPools[^1], _queryInBuffer++);
    }

    private void EndTiming()
    {
        if (!Profiling) return;
        _vk.CmdWriteTimestamp(_current, PipelineStageFlags.BottomOfPipeBit, _queryPools[^1], _queryInBuffer++);
    }

    private void CollectTimings()
    {
        _timings.Clear();
        var index = 0;
        for (var b = 0; b < _queryPools.Count && index < _timed.Count; b++)
        {
            var inBuffer = Math.Min(_maxPerBuffer, _timed.Count - index);
            var stamps = new ulong[2 * inBuffer];
            fixed (ulong* p = stamps)
                VkCheck.Ok(_vk.GetQueryPoolResults(_device.Handle, _queryPools[b], 0, (uint)stamps.Length, (nuint)(stamps.Length * 8), p, 8,
                    QueryResultFlags.Result64Bit | QueryResultFlags.ResultWaitBit), "vkGetQueryPoolResults");
            for (var i = 0; i < inBuffer; i++, index++)
            {
                // Only the low TimestampValidBits bits count; masking the difference handles a counter that wrapped.
                var bits = _device.Info.TimestampValidBits;
                var mask = bits >= 64 ? ulong.MaxValue : (1UL << (int)bits) - 1;
                var ticks = (stamps[2 * i + 1] - stamps[2 * i]) & mask;
                _timings.Add(new DispatchTiming(_timed[index].Label, _timed[index].Kernel, ticks * (double)_device.Info.TimestampPeriodNs / 1e6,
                    _timed[index].Output));
            }
        }
    }

    private void DisposeTiming()
    {
        foreach (var pool in _queryPools) _vk.DestroyQueryPool(_device.Handle, pool, null);
    }
}
