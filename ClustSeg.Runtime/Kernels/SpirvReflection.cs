namespace ClustSeg.Runtime.Kernels;

/// <summary>
/// The little of a SPIR-V module the runtime needs to know: which storage-buffer bindings of descriptor set 0 the
/// shader may write. A binding is read-only when the variable, or every member of its block, is decorated
/// NonWritable (GLSL <c>readonly</c>); anything else may be written.
/// </summary>
public static class SpirvReflection
{
    private const uint Magic = 0x07230203;
    private const int HeaderWords = 5;
    private const uint OpTypeStruct = 30, OpTypePointer = 32, OpVariable = 59, OpDecorate = 71, OpMemberDecorate = 72;
    private const uint DecorationNonWritable = 24, DecorationBinding = 33, DecorationDescriptorSet = 34;

    /// <summary>The binding numbers (set 0) whose buffers the shader may write.</summary>
    /// <exception cref="ArgumentException">The bytes are not a SPIR-V module.</exception>
    public static IReadOnlySet<int> WritableBindings(ReadOnlySpan<byte> code)
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
                case OpTypeStruct: structMembers[operands[0]] = operands.Length - 1; break;
                case OpTypePointer: pointee[operands[0]] = operands[2]; break;
                case OpVariable: variableTypes[operands[1]] = operands[0]; break;
            }
            at += count;
        }

        var writable = new HashSet<int>();
        foreach (var (variable, binding) in bindings)
        {
            if (sets.TryGetValue(variable, out var set) && set != 0) continue;
            if (nonWritableVariables.Contains(variable)) continue;
            if (variableTypes.TryGetValue(variable, out var pointer) && pointee.TryGetValue(pointer, out var block) &&
                structMembers.TryGetValue(block, out var memberCount) && memberCount > 0 &&
                nonWritableMembers.TryGetValue(block, out var readOnly) && readOnly.Count >= memberCount) continue;
            writable.Add(binding);
        }
        return writable;
    }
}
