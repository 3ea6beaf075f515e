using Silk.NET.Vulkan;

namespace ClustSeg.Runtime.Kernels;

/// <summary>
/// A compute pipeline built from one embedded shader with fixed specialization constants. Its interface is
/// <see cref="BufferCount"/> buffers at bindings 0..n-1 of set 0 (storage buffers, or uniform texel buffers where the
/// shader declares a <c>samplerBuffer</c>: <see cref="TexelBufferBindings"/>) plus <see cref="PushConstantBytes"/> bytes of
/// push constants. Created once per device and key, then cached.
/// </summary>
public sealed class Kernel
{
    internal Kernel(string name, string key, int bufferCount, int pushConstantBytes, Pipeline pipeline,
        PipelineLayout layout, DescriptorSetLayout setLayout, ShaderBindings bindings)
    {
        WritableBindings = bindings.Writable;
        TexelBufferBindings = bindings.TexelBuffers;
        Name = name;
        Key = key;
        BufferCount = bufferCount;
        PushConstantBytes = pushConstantBytes;
        Pipeline = pipeline;
        Layout = layout;
        SetLayout = setLayout;
    }

    /// <summary>Shader name (file name of the .comp without extension).</summary>
    public string Name { get; }

    /// <summary>Cache key: shader name, interface and specialization values.</summary>
    public string Key { get; }

    /// <summary>Number of buffer bindings (storage and texel).</summary>
    public int BufferCount { get; }

    /// <summary>Size of the push-constant block in bytes.</summary>
    public int PushConstantBytes { get; }

    /// <summary>
    /// The bindings the shader may write (not declared <c>readonly</c>), whatever a dispatch declares: the hazard
    /// tracker treats them as written so that barriers follow what the shader can do.
    /// </summary>
    public IReadOnlySet<int> WritableBindings { get; }

    /// <summary>
    /// The bindings the shader reads as uniform texel buffers (vec4 texels of 32-bit floats). The recorder binds a
    /// tensor there through an R32G32B32A32_SFLOAT buffer view; llvmpipe turns texel fetches into vector gathers,
    /// where every storage-buffer load is a loop over the SIMD lanes (BENCHMARKS.md).
    /// </summary>
    public IReadOnlySet<int> TexelBufferBindings { get; }

    internal Pipeline Pipeline { get; }
    internal PipelineLayout Layout { get; }
    internal DescriptorSetLayout SetLayout { get; }

    /// <inheritdoc />
    public override string ToString() => Key;
}

/// <summary>What identifies a kernel: the shader, its binding interface and its specialization constants.</summary>
/// <param name="Shader">Embedded shader name.</param>
/// <param name="BufferCount">Storage buffers at bindings 0..BufferCount-1.</param>
/// <param name="PushConstantBytes">Push-constant block size (at most 128, a multiple of 4).</param>
/// <param name="Specialization">Values for constant_id 0, 1, ... as 32-bit patterns (see <see cref="SpecConstant"/>).</param>
public readonly record struct KernelSpec(string Shader, int BufferCount, int PushConstantBytes, params uint[] Specialization)
{
    /// <summary>A stable text key including the specialization values.</summary>
    public string Key => $"{Shader}/{BufferCount}b/{PushConstantBytes}p/{string.Join(",", Specialization)}";
}

/// <summary>Encodes specialization-constant values as the 32-bit words Vulkan expects.</summary>
public static class SpecConstant
{
    /// <summary>A float constant.</summary>
    public static uint Float(float value) => BitConverter.SingleToUInt32Bits(value);

    /// <summary>An int constant.</summary>
    public static uint Int(int value) => unchecked((uint)value);

    /// <summary>A bool constant (VkBool32).</summary>
    public static uint Bool(bool value) => value ? 1u : 0u;
}
