using System.Collections.Concurrent;
using System.Security.Cryptography;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Vulkan;
using ClustSeg.Shaders;
using Silk.NET.Vulkan;

namespace ClustSeg.Runtime.Kernels;

/// <summary>
/// Builds compute pipelines from the embedded SPIR-V, caches them in memory by <see cref="KernelSpec.Key"/>, and keeps
/// a Vulkan pipeline cache that is persisted per device (see <see cref="PipelineCacheFile"/>).
/// </summary>
internal sealed unsafe class KernelFactory : IDisposable
{
    private readonly Vk _vk;
    private readonly Device _device;
    private readonly ConcurrentDictionary<string, Kernel> _kernels = new();
    private readonly Dictionary<string, (ShaderModule Module, ShaderBindings Bindings)> _modules = new();
    private readonly object _gate = new();
    private readonly PipelineCacheFile? _file;
    private PipelineCache _cache;

    public KernelFactory(Vk vk, Device device, DeviceInfo info, string? cacheDirectory)
    {
        _vk = vk;
        _device = device;
        var directory = cacheDirectory ?? GpuDeviceOptions.DefaultPipelineCacheDirectory();
        byte[] initial = [];
        if (directory.Length > 0)
        {
            _file = new PipelineCacheFile(directory, info.VendorId, info.DeviceId, info.DriverVersion, info.PipelineCacheUuid, SpirvSetHash.Value);
            (CacheLoad, initial) = _file.Load();
        }
        else
        {
            CacheLoad = PipelineCacheLoad.Missing;
        }
        fixed (byte* data = initial)
        {
            var create = new PipelineCacheCreateInfo
            {
                SType = StructureType.PipelineCacheCreateInfo,
                InitialDataSize = (nuint)initial.Length,
                PInitialData = data,
            };
            PipelineCache cache;
            var result = _vk.CreatePipelineCache(_device, &create, null, &cache);
            if (result != Result.Success && initial.Length > 0)
            {
                // The driver rejected data our header accepted: start empty rather than fail.
                create.InitialDataSize = 0;
                create.PInitialData = null;
                result = _vk.CreatePipelineCache(_device, &create, null, &cache);
                CacheLoad = PipelineCacheLoad.Stale;
            }
            VkCheck.Ok(result, "vkCreatePipelineCache");
            _cache = cache;
        }
    }

    /// <summary>How the on-disk cache was found when the device opened.</summary>
    public PipelineCacheLoad CacheLoad { get; }

    /// <summary>Path of the on-disk cache, or null when disabled.</summary>
    public string? CachePath => _file?.Path;

    public int Count => _kernels.Count;

    private static readonly Lazy<byte[]> SpirvSetHash = new(() =>
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in ShaderLibrary.Names)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            sha.AppendData(ShaderLibrary.Load(name));
        }
        return sha.GetHashAndReset();
    });

    public Kernel Get(KernelSpec spec)
    {
        if (_kernels.TryGetValue(spec.Key, out var kernel)) return kernel;
        lock (_gate)
        {
            if (_kernels.TryGetValue(spec.Key, out kernel)) return kernel;
            kernel = Create(spec);
            _kernels[spec.Key] = kernel;
            return kernel;
        }
    }

    private Kernel Create(KernelSpec spec)
    {
        if (spec.PushConstantBytes is < 0 or > 128 || spec.PushConstantBytes % 4 != 0)
            throw new ArgumentException($"Kernel '{spec.Shader}': push constants must be 0..128 bytes in 4-byte units, got {spec.PushConstantBytes}.");
        var (module, interfaceBindings) = Module(spec.Shader);
        if (interfaceBindings.TexelBuffers.Any(b => b >= spec.BufferCount))
            throw new ArgumentException($"Kernel '{spec.Shader}' declares texel buffers at bindings {string.Join(", ", interfaceBindings.TexelBuffers.Order())}, outside the {spec.BufferCount} buffers its spec binds.");

        var bindings = stackalloc DescriptorSetLayoutBinding[Math.Max(spec.BufferCount, 1)];
        for (var i = 0; i < spec.BufferCount; i++)
            bindings[i] = new DescriptorSetLayoutBinding((uint)i,
                interfaceBindings.TexelBuffers.Contains(i) ? DescriptorType.UniformTexelBuffer : DescriptorType.StorageBuffer, 1, ShaderStageFlags.ComputeBit);
        var setCreate = new DescriptorSetLayoutCreateInfo
        {
            SType = StructureType.DescriptorSetLayoutCreateInfo,
            BindingCount = (uint)spec.BufferCount,
            PBindings = bindings,
        };
        DescriptorSetLayout setLayout;
        VkCheck.Ok(_vk.CreateDescriptorSetLayout(_device, &setCreate, null, &setLayout), "vkCreateDescriptorSetLayout");

        var range = new PushConstantRange(ShaderStageFlags.ComputeBit, 0, (uint)spec.PushConstantBytes);
        var layoutCreate = new PipelineLayoutCreateInfo
        {
            SType = StructureType.PipelineLayoutCreateInfo,
            SetLayoutCount = 1,
            PSetLayouts = &setLayout,
            PushConstantRangeCount = spec.PushConstantBytes > 0 ? 1u : 0u,
            PPushConstantRanges = &range,
        };
        PipelineLayout layout;
        VkCheck.Ok(_vk.CreatePipelineLayout(_device, &layoutCreate, null, &layout), "vkCreatePipelineLayout");

        var entries = stackalloc SpecializationMapEntry[Math.Max(spec.Specialization.Length, 1)];
        for (var i = 0; i < spec.Specialization.Length; i++)
            entries[i] = new SpecializationMapEntry((uint)i, (uint)(i * 4), 4);
        var entryPoint = (byte*)Silk.NET.Core.Native.SilkMarshal.StringToPtr("main");
        try
        {
            fixed (uint* values = spec.Specialization)
            {
                var specialization = new SpecializationInfo
                {
                    MapEntryCount = (uint)spec.Specialization.Length,
                    PMapEntries = entries,
                    DataSize = (nuint)(spec.Specialization.Length * 4),
                    PData = values,
                };
                var create = new ComputePipelineCreateInfo
                {
                    SType = StructureType.ComputePipelineCreateInfo,
                    Stage = new PipelineShaderStageCreateInfo
                    {
                        SType = StructureType.PipelineShaderStageCreateInfo,
                        Stage = ShaderStageFlags.ComputeBit,
                        Module = module,
                        PName = entryPoint,
                        PSpecializationInfo = spec.Specialization.Length > 0 ? &specialization : null,
                    },
                    Layout = layout,
                };
                Pipeline pipeline;
                var result = _vk.CreateComputePipelines(_device, _cache, 1, &create, null, &pipeline);
                if (result != Result.Success)
                {
                    _vk.DestroyPipelineLayout(_device, layout, null);
                    _vk.DestroyDescriptorSetLayout(_device, setLayout, null);
                    throw new PipelineCreationException(spec.Key, result.ToString());
                }
                return new Kernel(spec.Shader, spec.Key, spec.BufferCount, spec.PushConstantBytes, pipeline, layout, setLayout, interfaceBindings);
            }
        }
        finally
        {
            Silk.NET.Core.Native.SilkMarshal.Free((nint)entryPoint);
        }
    }

    private (ShaderModule Module, ShaderBindings Bindings) Module(string shader)
    {
        if (_modules.TryGetValue(shader, out var cached)) return cached;
        ShaderModule module;
        byte[] code;
        try
        {
            code = ShaderLibrary.Load(shader);
        }
        catch (KeyNotFoundException e)
        {
            throw new PipelineCreationException(shader, e.Message);
        }
        fixed (byte* p = code)
        {
            var create = new ShaderModuleCreateInfo
            {
                SType = StructureType.ShaderModuleCreateInfo,
                CodeSize = (nuint)code.Length,
                PCode = (uint*)p,
            };
            var result = _vk.CreateShaderModule(_device, &create, null, &module);
            if (result != Result.Success) throw new PipelineCreationException(shader, "vkCreateShaderModule returned " + result);
        }
        return _modules[shader] = (module, SpirvReflection.Reflect(code));
    }

    /// <summary>Writes the pipeline cache to disk (atomically); returns whether it was written.</summary>
    public bool SaveCache()
    {
        if (_file is null) return false;
        nuint size = 0;
        if (_vk.GetPipelineCacheData(_device, _cache, &size, null) != Result.Success || size == 0) return false;
        var data = new byte[(int)size];
        fixed (byte* p = data)
            if (_vk.GetPipelineCacheData(_device, _cache, &size, p) != Result.Success) return false;
        return _file.Save(data.AsSpan(0, (int)size));
    }

    public void Dispose()
    {
        SaveCache();
        foreach (var kernel in _kernels.Values)
        {
            _vk.DestroyPipeline(_device, kernel.Pipeline, null);
            _vk.DestroyPipelineLayout(_device, kernel.Layout, null);
            _vk.DestroyDescriptorSetLayout(_device, kernel.SetLayout, null);
        }
        foreach (var (module, _) in _modules.Values) _vk.DestroyShaderModule(_device, module, null);
        _vk.DestroyPipelineCache(_device, _cache, null);
        _kernels.Clear();
        _modules.Clear();
    }
}
