using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Catalog;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Checking;

// The checker's view of a block after name resolution: what each name is, how each call binds its arguments,
// and the forward section flattened into one call per operation. Used within the check stage only.

/// <summary>What callers see of a block: its parameters and its forward inputs and outputs.</summary>
internal sealed class BlockSignature
{
    public BlockSignature(BlockDecl decl, string ns, string filePath, string fileName)
    {
        Decl = decl;
        Namespace = ns;
        FilePath = filePath;
        FileName = fileName;
    }

    public BlockDecl Decl { get; }

    public string Name => Decl.Name;

    public string Namespace { get; }

    public string FilePath { get; }

    public string FileName { get; }

    public string FullClassName => $"global::{Namespace}.{Decl.Name}";

    public IReadOnlyList<PortDecl> Inputs => Decl.Forward?.Inputs.ToList() ?? new List<PortDecl>();

    public IReadOnlyList<PortDecl> Outputs => Decl.Forward?.Outputs.ToList() ?? new List<PortDecl>();
}

/// <summary>A bound argument: the expression and whether it came from the callee's default.</summary>
internal sealed record BoundArg(string Name, ScalarType Type, Expr Value, bool IsDefault);

/// <summary>A named layer (or array of layers) declared in a block.</summary>
internal sealed class ChildDecl
{
    public ChildDecl(ChildMember syntax, PrimitiveDefinition? primitive, BlockSignature? block, IReadOnlyList<BoundArg> args, IReadOnlyList<Expr> conditions,
        IReadOnlyList<InitOverride> inits)
    {
        Inits = inits;
        Syntax = syntax;
        Primitive = primitive;
        Block = block;
        Args = args;
        Conditions = conditions;
    }

    public ChildMember Syntax { get; }

    public string Name => Syntax.Name;

    public PrimitiveDefinition? Primitive { get; }

    public BlockSignature? Block { get; }

    public IReadOnlyList<BoundArg> Args { get; }

    /// <summary>The spec's '&lt;parameter&gt;_init:' overrides, in the order written; empty for PyTorch's defaults.</summary>
    public IReadOnlyList<InitOverride> Inits { get; }

    /// <summary>The enclosing 'if' conditions (negated with '!' for else branches); the layer exists only when all hold.</summary>
    public IReadOnlyList<Expr> Conditions { get; }

    public int Rank => Syntax.Dims.Count;
}

internal abstract class ConstructionOp
{
}

internal sealed class LetOp : ConstructionOp
{
    public LetOp(LetMember syntax, ScalarType type)
    {
        Syntax = syntax;
        Type = type;
    }

    public LetMember Syntax { get; }

    public ScalarType Type { get; }
}

internal sealed class ChildOp : ConstructionOp
{
    public ChildOp(ChildDecl child) => Child = child;

    public ChildDecl Child { get; }
}

internal sealed class BufferOp : ConstructionOp
{
    public BufferOp(BufferMember syntax) => Syntax = syntax;

    public BufferMember Syntax { get; }
}

internal sealed class ConditionalOp : ConstructionOp
{
    public ConditionalOp(Expr condition, List<ConstructionOp> then, List<ConstructionOp> otherwise)
    {
        Condition = condition;
        Then = then;
        Else = otherwise;
    }

    public Expr Condition { get; }

    public List<ConstructionOp> Then { get; }

    public List<ConstructionOp> Else { get; }
}

internal enum RefKind
{
    Value,
    Element,
    WholeArray,
    Buffer,
}

/// <summary>A tensor operand or result in forward: a value, an array element, a whole array, or a buffer.</summary>
internal sealed record ValueRef(RefKind Kind, string Name, Expr? Index, SpecSpan Span)
{
    public string Display => Kind == RefKind.Element ? $"{Name}[...]" : Name;
}

/// <summary>A stateless primitive used inline in forward (relu(x), a + b); one hidden instance per use.</summary>
internal sealed class InlineLayer
{
    public InlineLayer(string fieldName, PrimitiveDefinition primitive, IReadOnlyList<BoundArg> args)
    {
        FieldName = fieldName;
        Primitive = primitive;
        Args = args;
    }

    public string FieldName { get; }

    public PrimitiveDefinition Primitive { get; }

    public IReadOnlyList<BoundArg> Args { get; }
}

internal abstract class ForwardOp
{
    protected ForwardOp(SpecSpan span) => Span = span;

    public SpecSpan Span { get; }
}

internal sealed class LetForwardOp : ForwardOp
{
    public LetForwardOp(LetStmt syntax, ScalarType type) : base(syntax.NameSpan)
    {
        Syntax = syntax;
        Type = type;
    }

    public LetStmt Syntax { get; }

    public ScalarType Type { get; }
}

internal sealed class ArrayForwardOp : ForwardOp
{
    public ArrayForwardOp(VarStmt syntax) : base(syntax.NameSpan) => Syntax = syntax;

    public VarStmt Syntax { get; }
}

internal sealed class LoopForwardOp : ForwardOp
{
    public LoopForwardOp(ForStmt syntax, List<ForwardOp> body) : base(syntax.Span)
    {
        Syntax = syntax;
        Body = body;
    }

    public ForStmt Syntax { get; }

    public List<ForwardOp> Body { get; }
}

internal sealed class IfForwardOp : ForwardOp
{
    public IfForwardOp(IfStmt syntax, List<ForwardOp> then, List<ForwardOp> otherwise) : base(syntax.Span)
    {
        Syntax = syntax;
        Then = then;
        Else = otherwise;
    }

    public IfStmt Syntax { get; }

    public List<ForwardOp> Then { get; }

    public List<ForwardOp> Else { get; }
}

internal sealed class AliasForwardOp : ForwardOp
{
    public AliasForwardOp(SpecSpan span, ValueRef target, ValueRef source) : base(span)
    {
        Target = target;
        Source = source;
    }

    public ValueRef Target { get; }

    public ValueRef Source { get; }
}

/// <summary>One call of a layer: a declared child (Child set, indexed by ChildIndices) or an inline primitive.</summary>
internal sealed class CallForwardOp : ForwardOp
{
    public CallForwardOp(SpecSpan span, string calleeDisplay, ChildDecl? child, IReadOnlyList<Expr> childIndices, InlineLayer? inline,
        IReadOnlyList<ValueRef> inputs, IReadOnlyList<BoundArg> callArgs, IReadOnlyList<ValueRef> targets)
        : base(span)
    {
        CalleeDisplay = calleeDisplay;
        Child = child;
        ChildIndices = childIndices;
        Inline = inline;
        Inputs = inputs;
        CallArgs = callArgs;
        Targets = targets;
    }

    public string CalleeDisplay { get; }

    public ChildDecl? Child { get; }

    public IReadOnlyList<Expr> ChildIndices { get; }

    public InlineLayer? Inline { get; }

    public IReadOnlyList<ValueRef> Inputs { get; }

    public IReadOnlyList<BoundArg> CallArgs { get; }

    public IReadOnlyList<ValueRef> Targets { get; }

    public PrimitiveDefinition? Primitive => Inline?.Primitive ?? Child?.Primitive;

    public BlockSignature? Block => Child?.Block;
}

/// <summary>A tensor value or array name in forward, with its array length expression for arrays.</summary>
internal sealed record LocalTensor(string Name, bool IsArray, Expr? Length);

/// <summary>A block after resolution.</summary>
internal sealed class ResolvedBlock
{
    public ResolvedBlock(BlockSignature signature) => Signature = signature;

    public BlockSignature Signature { get; }

    public List<ConstructionOp> Construction { get; } = new();

    public Dictionary<string, ChildDecl> Children { get; } = new();

    public Dictionary<string, ScalarType> ScalarMembers { get; } = new();

    public Dictionary<string, BufferMember> Buffers { get; } = new();

    public List<InlineLayer> Inlines { get; } = new();

    public List<ForwardOp> Forward { get; } = new();

    /// <summary>Tensor locals in first-assignment order (inputs first).</summary>
    public List<LocalTensor> Locals { get; } = new();

    public HashSet<string> UsedBlocks { get; } = new();

    public bool HasErrors { get; set; }
}
