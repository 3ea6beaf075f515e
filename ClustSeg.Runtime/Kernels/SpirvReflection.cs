namespace ClustSeg.Runtime.Kernels;

/// <summary>What the runtime needs to know about a shader's bindings in descriptor set 0.</summary>
/// <param name="Writable">Storage-buffer bindings the shader may write.</param>
/// <param name="TexelBuffers">Bindings declared as uniform texel buffers (GLSL <c>samplerBuffer</c>), read-only.</param>
public sealed record ShaderBindings(IReadOnlySet<int> Writable, IReadOnlySet<int> TexelBuffers);

/// <summary>
/// The little of a SPIR-V module the runtime needs to know: which bindings of descriptor set 0 the shader may write,
/// and which are uniform texel buffers rather than storage buffers. A storage buffer is read-only when the variable,
/// or every member of its block, is decorated NonWritable (GLSL <c>readonly</c>); anything else may be written. A
/// texel buffer is a variable whose type is a sampled buffer image (directly or through a sampled-image type).
/// </summary>
public static class SpirvReflection
{
    private const uint Magic = 0x07230203;
    private const int HeaderWords = 5;
    private const uint OpTypeImage = 25, OpTypeSampledImage = 27, OpTypeStruct = 30, OpTypePointer = 32, OpVariable = 59,
        OpDecorate = 71, OpMemberDecorate = 72;
    private const uint DecorationNonWritable = 24, DecorationBinding = 33, DecorationDescriptorSet = 34;
    private const uint DimBuffer = 5, SampledWithSampler = 1;

    /// <summary>The binding numbers (set 0) whose buffers the shader may write.</summary>
    /// <exception cref="ArgumentException">The bytes are not a SPIR-V module.</exception>
    public static IReadOnlySet<int> WritableBindings(ReadOnlySpan<byte> code) => Reflect(code).Writable;

    /// <summary>The writable and the texel-buffer bindings of set 0.</summary>
    /// <exception cref="ArgumentException">The bytes are not a SPIR-V module, or it declares a storage texel buffer.</exception>
    public static ShaderBindings Reflect(ReadOnlySpan<byte> code)
    {
        if (code.Length < HeaderWords * 4 || code.Length % 4 != 0 || BitConverter.ToUInt32(code[..4]) != Magic)
            throw new ArgumentException("Not a SPIR-V module (little-endian magic number expected).", nameof(code));
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(code);
        var bindings = new Dictionary<uint, int>();
        var sets = new Dictionary<uint, uint>();
        var nonWritableVariables = new HashSet<uint>();
        var nonWritableMembers = new Dictionary<uint, HashSet<uint>>();
        var structMembers = new Dictionary<uint, int>();
        var pointee = new Dictionary<uint, uint>();
        var variableTypes = new Dictionary<uint, uint>();
        var bufferImages = new Dictionary<uint, uint>(); // image type id -> its Sampled operand, for Dim = Buffer
        var sampledImages = new Dictionary<uint, uint>(); // sampled-image type id -> image type id
        for (var at = HeaderWords; at < words.Length;)
        {
            var count = (int)(words[at] >> 16);
            var op = words[at] & 0xFFFF;
            if (count == 0 || at + count > words.Length) throw new ArgumentException($"Malformed SPIR-V instruction at word {at}.", nameof(code));
            var operands = words.Slice(at + 1, count - 1);
            switch (op)
            {
                case OpDecorate when operands[1] == DecorationBinding: bindings[operands[0]] = (int)operands[2]; break;
                case OpDecorate when operands[1] == DecorationDescriptorSet: sets[operands[0]] = operands[2]; break;
                case OpDecorate when operands[1] == DecorationNonWritable: nonWritableVariables.Add(operands[0]); break;
                case OpMemberDecorate when operands[2] == DecorationNonWritable:
                    if (!nonWritableMembers.TryGetValue(operands[0], out var members)) nonWritableMembers[operands[0]] = members = [];
                    members.Add(operands[1]);
                    break;
                case OpTypeImage when operands[2] == DimBuffer: bufferImages[operands[0]] = operands[6]; break;
                case OpTypeSampledImage: sampledImages[operands[0]] = operands[1]; break;
                case OpTypeStruct: structMembers[operands[0]] = operands.Length - 1; break;
                case OpTypePointer: pointee[operands[0]] = operands[2]; break;
                case OpVariable: variableTypes[operands[1]] = operands[0]; break;
            }
            at += count;
        }

        var writable = new HashSet<int>();
        var texel = new HashSet<int>();
        foreach (var (variable, binding) in bindings)
        {
            if (sets.TryGetValue(variable, out var set) && set != 0) continue;
            var type = variableTypes.TryGetValue(variable, out var pointer) && pointee.TryGetValue(pointer, out var target) ? target : 0u;
            var image = sampledImages.TryGetValue(type, out var inner) ? inner : type;
            if (bufferImages.TryGetValue(image, out var sampled))
            {
                if (sampled != SampledWithSampler)
                    throw new ArgumentException($"Binding {binding} is a storage texel buffer (imageBuffer); the runtime binds only storage buffers and uniform texel buffers (samplerBuffer).", nameof(code));
                texel.Add(binding);
                continue;
            }
            if (nonWritableVariables.Contains(variable)) continue;
            if (structMembers.TryGetValue(type, out var memberCount) && memberCount > 0 &&
                nonWritableMembers.TryGetValue(type, out var readOnly) && readOnly.Count >= memberCount) continue;
            writable.Add(binding);
        }
        return new ShaderBindings(writable, texel);
    }
}
