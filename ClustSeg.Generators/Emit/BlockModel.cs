using ClustSeg.Generators.Helpers;

namespace ClustSeg.Generators.Emit;

// What the emit stage needs to write one class, as C# text fragments. No spec positions are kept, so an edit
// that only moves text (a comment, blank lines) leaves these equal and the incremental pipeline skips emission.

internal sealed record BlockModel(
    string Namespace,
    string ClassName,
    bool IsModel,
    string SpecFileName,
    string SpecSha256,
    EquatableArray<ParamModel> Params,
    EquatableArray<MemberModel> Members,
    EquatableArray<InlineModel> Inlines,
    EquatableArray<PortModel> Inputs,
    EquatableArray<PortModel> Outputs,
    EquatableArray<LocalModel> Locals,
    EquatableArray<IrStatement> Body)
{
    public string HintName => $"{Namespace}.{ClassName}.g.cs";
}

/// <summary>A constructor parameter; list parameters default through null because C# defaults must be constants.</summary>
internal sealed record ParamModel(string SpecName, string SpecType, string Property, string Argument, string CsType, string? DefaultLiteral, string? ListDefault);

internal abstract record MemberModel;

internal sealed record LetModel(string SpecName, string Property, string CsType, string Expression, string SpecText) : MemberModel;

/// <summary>A named layer; with Dims an array built by nested loops into ModuleList containers.</summary>
internal sealed record ChildModel(string SpecName, string Property, string ElementType, string Construct, EquatableArray<LoopModel> Dims, bool IsConditional, string SpecText) : MemberModel
{
    public string PropertyType
    {
        get
        {
            var type = ElementType;
            for (var i = 0; i < Dims.Count; i++) type = $"global::ClustSeg.Runtime.Nn.ModuleList<{type}>";
            return type;
        }
    }
}

internal sealed record LoopModel(string Variable, string Count);

internal sealed record BufferModel(string SpecName, string Property, EquatableArray<string> Shape, string SpecText) : MemberModel;

internal sealed record ConditionalModel(string Condition, EquatableArray<MemberModel> Then, EquatableArray<MemberModel> Else) : MemberModel;

/// <summary>A hidden instance of a stateless primitive used inline in forward (one per use).</summary>
internal sealed record InlineModel(string Field, string Type, string Construct);

internal sealed record PortModel(string SpecName, string Argument, string Local, string GradientArgument, string GradientLocal, bool IsArray, string? Length);

internal sealed record LocalModel(string Local, string GradientLocal, bool IsArray);

internal abstract record IrStatement;

internal sealed record IrLet(string Local, string CsType, string Expression) : IrStatement;

internal sealed record IrArray(string Local, string Length) : IrStatement;

internal sealed record IrLoop(string Variable, string From, string To, EquatableArray<IrStatement> Body) : IrStatement;

internal sealed record IrBranch(string Condition, EquatableArray<IrStatement> Then, EquatableArray<IrStatement> Else) : IrStatement;

internal sealed record IrAlias(IrRef Target, IrRef Source) : IrStatement;

internal enum CallShape
{
    /// <summary>One input: Backward returns its gradient directly.</summary>
    Single,

    /// <summary>Several inputs: Backward returns a tuple, one gradient per input.</summary>
    Tuple,

    /// <summary>A variadic primitive (concat): Forward takes an array, Backward returns one.</summary>
    Variadic,

    /// <summary>A block without inputs: Backward returns nothing.</summary>
    None,
}

internal sealed record IrCall(
    EquatableArray<IrRef> Targets,
    string Callee,
    EquatableArray<IrRef> Inputs,
    EquatableArray<bool> Differentiable,
    EquatableArray<string> CallArgs,
    CallShape Shape) : IrStatement;

internal enum IrRefKind
{
    Single,
    Element,
    WholeArray,
    Constant,
}

/// <summary>An operand: its forward expression, its gradient variable, and the element index for array elements.</summary>
internal sealed record IrRef(IrRefKind Kind, string Value, string Gradient, string? Index)
{
    public string ValueExpression => Kind == IrRefKind.Element ? $"{Value}[{Index}]" : Value;

    public string GradientExpression => Kind == IrRefKind.Element ? $"{Gradient}[{Index}]" : Gradient;
}
