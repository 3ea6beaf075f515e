using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Memory;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;
using Silk.NET.Vulkan;

namespace ClustSeg.Runtime.Recording;

/// <summary>
/// Records one step's dispatches into command buffers and submits them together. A barrier is inserted only where a
/// dispatch depends on an earlier one's memory (see <see cref="HazardTracker"/>). Recordings longer than
/// <see cref="GpuDeviceOptions.MaxDispatchesPerSubmit"/> are split over several submits. After
/// <see cref="Submit"/> the recording can be submitted again unchanged (replay), since shapes and buffers of a step
/// are fixed.
/// </summary>
public sealed unsafe partial class CommandRecorder : IDisposable
{
    private const int SetsPerPool = 256;
    private const int MaxBindingsPerSet = 16;

    private readonly GpuDevice _device;
    private readonly Vk _vk;
    private readonly HazardTracker _hazards = new();
    private readonly List<CommandBuffer> _buffers = [];
    private readonly List<DescriptorPool> _pools = [];
    // Texel views by (buffer, offset, range): a tensor bound many times in one recording (weights in forward and
    // backward) shares one view. They live as long as the recording, which replays reuse.
    private readonly Dictionary<(ulong Buffer, ulong Offset, ulong Range), BufferView> _views = new();
    private readonly HashSet<Tensor> _bound = new(ReferenceEqualityComparer.Instance);
    private readonly int _maxPerBuffer;
    private CommandBuffer _current;
    private int _inCurrent;
    private int _setsLeftInPool;
    private bool _ended;
    private bool _disposed;

    internal CommandRecorder(GpuDevice device, bool profile)
    {
        _device = device;
        _vk = device.Vk;
        _maxPerBuffer = Math.Max(1, device.Options.MaxDispatchesPerSubmit);
        Profiling = profile && device.Info.Timestamps;
        StartBuffer();
    }

    /// <summary>The device recorded for.</summary>
    public GpuDevice Device => _device;

    /// <summary>Whether timestamps are written around dispatches (requested and supported).</summary>
    public bool Profiling { get; }

    /// <summary>
    /// Whether the forward passes recorded next will be followed by their backward passes (true unless set). A
    /// <see cref="Nn.ModuleContext"/> sets it from its own flag. Ops that keep intermediates only for backward use it to
    /// pick an inference path: a convolution then runs the direct kernel instead of unfolding columns that a weight
    /// gradient would have reused.
    /// </summary>
    public bool RecordsBackward { get; set; } = true;

    /// <summary>Dispatches recorded.</summary>
    public int DispatchCount { get; private set; }

    /// <summary>Transfer fills recorded (<see cref="FillWords"/>).</summary>
    public int FillCount { get; private set; }

    /// <summary>Dispatches and fills recorded: the index the next command's entry will have in <c>Timings</c>.</summary>
    public int CommandCount => DispatchCount + FillCount;

    /// <summary>Barriers inserted.</summary>
    public int BarrierCount { get; private set; }

    /// <summary>Command buffers (and therefore queue submits per <see cref="Submit"/>) used.</summary>
    public int CommandBufferCount => _buffers.Count;

    /// <summary>Records a dispatch with a push-constant struct.</summary>
    public void Dispatch<TPush>(Kernel kernel, (uint X, uint Y, uint Z) groups, in TPush push, params ReadOnlySpan<Binding> bindings)
        where TPush : unmanaged
    {
        var copy = push;
        Dispatch(kernel, groups, new ReadOnlySpan<byte>(&copy, sizeof(TPush)), bindings, null);
    }

    /// <summary>Records a dispatch of <paramref name="groups"/> workgroups.</summary>
    /// <param name="kernel">The pipeline.</param>
    /// <param name="groups">Workgroup counts.</param>
    /// <param name="push">Push-constant bytes; must match the kernel's size.</param>
    /// <param name="bindings">Tensors for bindings 0..n-1 with their access.</param>
    /// <param name="label">Name in profiles (defaults to the kernel name).</param>
    public void Dispatch(Kernel kernel, (uint X, uint Y, uint Z) groups, ReadOnlySpan<byte> push, ReadOnlySpan<Binding> bindings, string? label)
    {
        EnsureRecording();
        if (bindings.Length != kernel.BufferCount)
            throw new ArgumentException($"Kernel '{kernel.Name}' takes {kernel.BufferCount} buffers, the dispatch bound {bindings.Length}.");
        if (push.Length != kernel.PushConstantBytes)
            throw new ArgumentException($"Kernel '{kernel.Name}' takes {kernel.PushConstantBytes} bytes of push constants, the dispatch passed {push.Length}.");
        if (groups.X == 0 || groups.Y == 0 || groups.Z == 0) return; // Nothing to do; an empty tensor is legal.
        if (groups.X > 65535 || groups.Y > 65535 || groups.Z > 65535)
            throw new ArgumentException($"Kernel '{kernel.Name}' dispatch of {groups} workgroups exceeds the portable limit of 65535 per dimension; " +
                                        "the kernel's host wrapper must tile the work.");

        Span<HazardTracker.MemoryRange> ranges = stackalloc HazardTracker.MemoryRange[bindings.Length];
        for (var i = 0; i < bindings.Length; i++)
        {
            var t = bindings[i].Tensor;
            t.EnsureAlive();
            _bound.Add(t);
            // A buffer the shader may write counts as written even where the dispatch declares it read: stages of one
            // shader share declarations, and the barriers must follow what the shader can do.
            var writes = bindings[i].Access != Access.Read || kernel.WritableBindings.Contains(i);
            ranges[i] = new HazardTracker.MemoryRange(t.Block.Id, t.Offset, t.Offset + Math.Max(t.ByteSize, 4), writes);
            if (writes) Device.ConvColumns.Written(t.Block.Id, t.Offset, t.Offset + Math.Max(t.ByteSize, 4));
        }

        if (_inCurrent == _maxPerBuffer) NextBuffer();
        if (_hazards.Conflicts(ranges)) RecordBarrier();
        _hazards.Add(ranges);

        var set = AllocateSet(kernel);
        WriteSet(set, kernel, bindings);
        _vk.CmdBindPipeline(_current, PipelineBindPoint.Compute, kernel.Pipeline);
        _vk.CmdBindDescriptorSets(_current, PipelineBindPoint.Compute, kernel.Layout, 0, 1, &set, 0, null);
        if (push.Length > 0)
            fixed (byte* p = push)
                _vk.CmdPushConstants(_current, kernel.Layout, ShaderStageFlags.ComputeBit, 0, (uint)push.Length, p);
        BeginTiming(label ?? kernel.Name, kernel.Key, bindings);
        _vk.CmdDispatch(_current, groups.X, groups.Y, groups.Z);
        EndTiming();
        _inCurrent++;
        DispatchCount++;
    }

    /// <summary>
    /// Records filling every 32-bit word of <paramref name="tensor"/> with <paramref name="bits"/> as a transfer
    /// command (vkCmdFillBuffer) rather than a dispatch: on CPU implementations a dispatch costs tens of microseconds
    /// of thread-pool work even for a few elements, and a training step zeroes every gradient. Dependencies are
    /// tracked as for dispatches; profiles list it under <paramref name="label"/>.
    /// </summary>
    public void FillWords(Tensor tensor, uint bits, string label)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        EnsureRecording();
        tensor.EnsureAlive();
        if (tensor.ByteSize == 0) return;
        _bound.Add(tensor);
        Span<HazardTracker.MemoryRange> range = [new(tensor.Block.Id, tensor.Offset, tensor.Offset + tensor.ByteSize, true)];
        Device.ConvColumns.Written(tensor.Block.Id, tensor.Offset, tensor.Offset + tensor.ByteSize);
        if (_inCurrent == _maxPerBuffer) NextBuffer();
        if (_hazards.Conflicts(range)) RecordBarrier();
        _hazards.Add(range);
        BeginTiming(label, label, [Binding.Write(tensor)]);
        _vk.CmdFillBuffer(_current, tensor.Block.Buffer, tensor.Offset, tensor.ByteSize, bits);
        EndTiming();
        _inCurrent++;
        FillCount++;
    }

    /// <summary>Inserts a full compute barrier now (rarely needed: dependencies are found automatically).</summary>
    public void Barrier()
    {
        EnsureRecording();
        RecordBarrier();
    }

    /// <summary>
    /// Submits the recording and waits for it to finish. The first call closes the recording; later calls replay it.
    /// </summary>
    public void Submit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // A replay binds the same memory again: refuse if any tensor's memory was handed to someone else since.
        foreach (var tensor in _bound) tensor.EnsureAlive();
        if (!_ended)
        {
            VkCheck.Ok(_vk.EndCommandBuffer(_current), "vkEndCommandBuffer");
            _ended = true;
        }
        _device.SubmitAndWait(_buffers, $"a step of {DispatchCount} dispatches");
        if (Profiling) CollectTimings();
    }

    private void EnsureRecording()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ended)
            throw new InvalidOperationException("This recording was submitted and is closed; it can be replayed with Submit(), " +
                                                "but new work needs a new recorder (GpuDevice.BeginRecording).");
    }

    private void RecordBarrier()
    {
        var barrier = new MemoryBarrier
        {
            SType = StructureType.MemoryBarrier,
            SrcAccessMask = AccessFlags.ShaderWriteBit | AccessFlags.ShaderReadBit | AccessFlags.TransferWriteBit | AccessFlags.TransferReadBit,
            DstAccessMask = AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit | AccessFlags.TransferReadBit | AccessFlags.TransferWriteBit,
        };
        const PipelineStageFlags stages = PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit;
        _vk.CmdPipelineBarrier(_current, stages, stages, 0, 1, &barrier, 0, null, 0, null);
        _hazards.Clear();
        BarrierCount++;
    }

    private void StartBuffer()
    {
        _current = _device.AllocateCommandBuffer();
        var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo };
        VkCheck.Ok(_vk.BeginCommandBuffer(_current, &begin), "vkBeginCommandBuffer");
        _buffers.Add(_current);
        _inCurrent = 0;
        if (Profiling) StartTimingBuffer();
    }

    private void NextBuffer()
    {
        VkCheck.Ok(_vk.EndCommandBuffer(_current), "vkEndCommandBuffer");
        StartBuffer();
        // Pending hazards stay tracked: a barrier in the new buffer also orders work from earlier submits on this queue.
    }

    private DescriptorSet AllocateSet(Kernel kernel)
    {
        if (_setsLeftInPool == 0)
        {
            var sizes = stackalloc DescriptorPoolSize[2];
            sizes[0] = new DescriptorPoolSize(DescriptorType.StorageBuffer, SetsPerPool * MaxBindingsPerSet);
            sizes[1] = new DescriptorPoolSize(DescriptorType.UniformTexelBuffer, SetsPerPool * MaxBindingsPerSet);
            var create = new DescriptorPoolCreateInfo
            {
                SType = StructureType.DescriptorPoolCreateInfo,
                MaxSets = SetsPerPool,
                PoolSizeCount = 2,
                PPoolSizes = sizes,
            };
            DescriptorPool pool;
            VkCheck.Ok(_vk.CreateDescriptorPool(_device.Handle, &create, null, &pool), "vkCreateDescriptorPool");
            _pools.Add(pool);
            _setsLeftInPool = SetsPerPool;
        }
        if (kernel.BufferCount > MaxBindingsPerSet)
            throw new ArgumentException($"Kernel '{kernel.Name}' binds {kernel.BufferCount} buffers; at most {MaxBindingsPerSet} are supported.");
        var layout = kernel.SetLayout;
        var allocate = new DescriptorSetAllocateInfo
        {
            SType = StructureType.DescriptorSetAllocateInfo,
            DescriptorPool = _pools[^1],
            DescriptorSetCount = 1,
            PSetLayouts = &layout,
        };
        DescriptorSet set;
        VkCheck.Ok(_vk.AllocateDescriptorSets(_device.Handle, &allocate, &set), "vkAllocateDescriptorSets");
        _setsLeftInPool--;
        return set;
    }

    private void WriteSet(DescriptorSet set, Kernel kernel, ReadOnlySpan<Binding> bindings)
    {
        if (bindings.Length == 0) return;
        var infos = stackalloc DescriptorBufferInfo[bindings.Length];
        var views = stackalloc BufferView[bindings.Length];
        var writes = stackalloc WriteDescriptorSet[bindings.Length];
        for (var i = 0; i < bindings.Length; i++)
        {
            var t = bindings[i].Tensor;
            var texel = kernel.TexelBufferBindings.Contains(i);
            infos[i] = new DescriptorBufferInfo(t.Block.Buffer, t.Offset, Math.Max(t.ByteSize, 4));
            if (texel) views[i] = CreateTexelView(kernel, i, t);
            writes[i] = new WriteDescriptorSet
            {
                SType = StructureType.WriteDescriptorSet,
                DstSet = set,
                DstBinding = (uint)i,
                DescriptorCount = 1,
                DescriptorType = texel ? DescriptorType.UniformTexelBuffer : DescriptorType.StorageBuffer,
                PBufferInfo = texel ? null : &infos[i],
                PTexelBufferView = texel ? &views[i] : null,
            };
        }
        _vk.UpdateDescriptorSets(_device.Handle, (uint)bindings.Length, writes, 0, null);
    }

    /// <summary>
    /// A view of <paramref name="tensor"/> as vec4 texels (R32G32B32A32_SFLOAT). The range is rounded up to whole
    /// texels, which stays inside the tensor's allocation (arena sizes are rounded to 64 bytes).
    /// </summary>
    private BufferView CreateTexelView(Kernel kernel, int binding, Tensor tensor)
    {
        const ulong texelBytes = 16;
        var range = Math.Min(DeviceBlock.AlignUp(Math.Max(tensor.ByteSize, texelBytes), texelBytes), tensor.Block.Size - tensor.Offset);
        var limit = _device.Info.MaxTexelBufferElements;
        if (range / texelBytes > limit)
        {
            throw new ArgumentException(
                $"Kernel '{kernel.Name}' reads '{tensor.Name}' [{tensor.ShapeText}] as a texel buffer at binding {binding}, but {tensor.ByteSize / texelBytes} texels " +
                $"exceed this device's maxTexelBufferElements ({limit}). Use a smaller batch or image size.");
        }
        var key = (tensor.Block.Buffer.Handle, tensor.Offset, range);
        if (_views.TryGetValue(key, out var existing)) return existing;
        var create = new BufferViewCreateInfo
        {
            SType = StructureType.BufferViewCreateInfo,
            Buffer = tensor.Block.Buffer,
            Format = Format.R32G32B32A32Sfloat,
            Offset = tensor.Offset,
            Range = range,
        };
        BufferView view;
        VkCheck.Ok(_vk.CreateBufferView(_device.Handle, &create, null, &view), "vkCreateBufferView");
        _views[key] = view;
        return view;
    }

    /// <summary>Frees the command buffers, descriptor pools, texel-buffer views and query pools.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _device.FreeCommandBuffers(_buffers.ToArray());
        foreach (var pool in _pools) _vk.DestroyDescriptorPool(_device.Handle, pool, null);
        foreach (var view in _views.Values) _vk.DestroyBufferView(_device.Handle, view, null);
        DisposeTiming();
    }
}
