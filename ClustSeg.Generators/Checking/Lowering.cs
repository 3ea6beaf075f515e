using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Catalog;
using ClustSeg.Generators.Emit;
using ClustSeg.Generators.Helpers;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Checking;

/// <summary>Turns a resolved, error-free block into the location-free model the emitter writes.</summary>
internal sealed class Lowering
{
    private readonly ResolvedBlock block;
    private int loopCounter;

    private Lowering(ResolvedBlock block) => this.block = block;

    public static BlockModel Lower(ResolvedBlock block, string specSha256)
    {
        var lowering = new Lowering(block);
        var signature = block.Signature;
        var inputs = signature.Inputs.Select(lowering.Port).ToList();
        var outputs = signature.Outputs.Select(lowering.Port).ToList();
        var portNames = new HashSet<string>(signature.Inputs.Select(p => p.Name).Concat(signature.Outputs.Where(o => o.Length is not null).Select(o => o.Name)));
        var locals = block.Locals.Where(l => !portNames.Contains(l.Name)).Select(l => new LocalModel(ValueName(l.Name), GradientName(l.Name), l.IsArray));
        return new BlockModel(
            signature.Namespace,
            signature.Name,
            signature.Decl.IsModel,
            signature.FileName,
            signature.Decl.IsModel ? specSha256 : "",
            signature.Decl.Params.Select(lowering.Param).ToEquatableArray(),
            block.Construction.Select(lowering.Member).ToEquatableArray(),
            block.Inlines.Select(lowering.Inline).ToEquatableArray(),
            inputs.ToEquatableArray(),
            outputs.ToEquatableArray(),
            locals.ToEquatableArray(),
            lowering.Statements(block.Forward));
    }

    public static string ValueName(string name) => name.StartsWith("%") ? "t__" + name.Substring(1) : "v_" + name;

    public static string GradientName(string name) => name.StartsWith("%") ? "dt__" + name.Substring(1) : "d_" + name;

    /// <summary>Block parameters and lets are properties; index variables, forward lets and loop variables are locals.</summary>
    private string Name(string name) => block.ScalarMembers.ContainsKey(name) ? NameStyle.Pascal(name) : "s_" + name;

    private string Cs(Expr expr, ScalarType? expected = null) => CSharpExpressions.Translate(expr, Name, expected);

    private ParamModel Param(ParamDecl param)
    {
        var type = Scalar.FromSyntax(param.Type);
        string? literal = null;
        string? listDefault = null;
        if (param.Default is not null)
        {
            if (param.Type.IsList)
            {
                literal = "null";
                listDefault = Cs(param.Default, type);
            }
            else
            {
                literal = CSharpExpressions.Literal(ScalarEvaluator.Evaluate(param.Default, _ => null).ConvertTo(type));
            }
        }
        var csType = CSharpExpressions.TypeName(type) + (listDefault is null ? "" : "?");
        return new ParamModel(param.Name, param.Type.ToString(), NameStyle.Pascal(param.Name), NameStyle.Camel(param.Name), csType, literal, listDefault);
    }

    private MemberModel Member(ConstructionOp op) => op switch
    {
        LetOp let => new LetModel(let.Syntax.Name, NameStyle.Pascal(let.Syntax.Name), CSharpExpressions.TypeName(let.Type), Cs(let.Syntax.Value, let.Type), ExprPrinter.Print(let.Syntax.Value)),
        BufferOp buffer => new BufferModel(buffer.Syntax.Name, NameStyle.Pascal(buffer.Syntax.Name), buffer.Syntax.Shape.Select(d => Cs(d)).ToEquatableArray(),
            "[" + string.Join(", ", buffer.Syntax.Shape.Select(ExprPrinter.Print)) + "]"),
        ChildOp child => Child(child.Child),
        ConditionalOp conditional => new ConditionalModel(Cs(conditional.Condition), conditional.Then.Select(Member).ToEquatableArray(), conditional.Else.Select(Member).ToEquatableArray()),
        _ => throw new System.InvalidOperationException(),
    };

    private ChildModel Child(ChildDecl child)
    {
        var type = child.Primitive?.FullRuntimeClass ?? child.Block!.FullClassName;
        var dims = child.Syntax.Dims.Select(d => new LoopModel("s_" + d.Name, Cs(d.To))).ToEquatableArray();
        var text = ExprPrinter.Print(child.Syntax.Constructor);
        var construct = child.Inits.Where(i => i.Rule != "default").Aggregate(Construct(type, child.Primitive, child.Block, child.Args), WithInit);
        return new ChildModel(child.Name, NameStyle.Pascal(child.Name), type, construct, dims, child.Conditions.Count > 0, text);
    }

    /// <summary>
    /// Wraps a layer's construction in 'ParameterInitOverrides.WithInit(layer, "weight", rule)', replacing its default
    /// initialisation of that parameter (called, not used as an extension, since the generated file has no usings).
    /// </summary>
    private string WithInit(string layer, InitOverride init)
    {
        const string Init = "global::ClustSeg.Runtime.Nn.ParameterInit.";
        var args = init.Args.Select(a => Cs(a, ScalarType.Float)).ToList();
        var rule = init.Rule switch
        {
            "zeros" => Init + "Zeros",
            "ones" => Init + "Ones",
            "uniform" => $"{Init}UniformRange({args[0]}, {args[1]})",
            "normal" => $"{Init}Normal({args[0]}, {args[1]})",
            "kaiming_normal" => Init + "KaimingNormal",
            "xavier_uniform" => Init + "XavierUniform",
            _ => throw new System.InvalidOperationException("unchecked initialisation rule " + init.Rule),
        };
        return $"global::ClustSeg.Runtime.Nn.ParameterInitOverrides.WithInit({layer}, \"{init.Parameter}\", {rule})";
    }

    private string Construct(string type, PrimitiveDefinition? primitive, BlockSignature? callee, IReadOnlyList<BoundArg> args)
    {
        IEnumerable<string> parts;
        if (primitive is not null)
        {
            parts = args.Select(a => $"{NameStyle.Camel(a.Name)}: {Cs(a.Value, a.Type)}");
        }
        else
        {
            // Defaults are left to the callee's constructor, so the default lives in one place.
            parts = args.Where(a => !a.IsDefault).Select(a => $"{NameStyle.Camel(a.Name)}: {Cs(a.Value, a.Type)}");
        }
        return $"new {type}({string.Join(", ", parts)})";
    }

    private InlineModel Inline(InlineLayer inline) =>
        new(inline.FieldName, inline.Primitive.FullRuntimeClass, Construct(inline.Primitive.FullRuntimeClass, inline.Primitive, null, inline.Args));

    private PortModel Port(PortDecl port) =>
        new(port.Name, NameStyle.Camel(port.Name), ValueName(port.Name), "d" + NameStyle.Pascal(port.Name), GradientName(port.Name),
            port.Length is not null, port.Length is null ? null : Cs(port.Length));

    private EquatableArray<IrStatement> Statements(List<ForwardOp> ops) => ops.Select(Statement).ToEquatableArray();

    private IrStatement Statement(ForwardOp op)
    {
        switch (op)
        {
            case LetForwardOp let:
                return new IrLet("s_" + let.Syntax.Name, CSharpExpressions.TypeName(let.Type), Cs(let.Syntax.Value, let.Type));
            case ArrayForwardOp array:
                return new IrArray(ValueName(array.Syntax.Name), Cs(array.Syntax.Length));
            case LoopForwardOp loop:
                var variable = loop.Syntax.Var is null ? $"loop__{loopCounter++}" : "s_" + loop.Syntax.Var;
                return new IrLoop(variable, Cs(loop.Syntax.From), Cs(loop.Syntax.To), Statements(loop.Body));
            case IfForwardOp branch:
                return new IrBranch(Cs(branch.Syntax.Condition), Statements(branch.Then), Statements(branch.Else));
            case AliasForwardOp alias:
                return new IrAlias(Ref(alias.Target), Ref(alias.Source));
            case CallForwardOp call:
                return Call(call);
        }
        throw new System.InvalidOperationException();
    }

    private IrCall Call(CallForwardOp call)
    {
        string callee;
        IReadOnlyList<bool> differentiable;
        CallShape shape;
        if (call.Inline is { } inline)
        {
            callee = inline.FieldName;
        }
        else
        {
            var child = call.Child!;
            callee = NameStyle.Pascal(child.Name) + (child.Conditions.Count > 0 ? "!" : "") + string.Concat(call.ChildIndices.Select(i => $"[{Cs(i)}]"));
        }
        if (call.Primitive is { } primitive)
        {
            differentiable = primitive.IsVariadic ? call.Inputs.Select(_ => true).ToList() : primitive.DifferentiableInputs;
            shape = primitive.IsVariadic ? CallShape.Variadic : call.Inputs.Count == 1 ? CallShape.Single : CallShape.Tuple;
        }
        else
        {
            differentiable = call.Inputs.Select(_ => true).ToList();
            shape = call.Inputs.Count == 1 ? CallShape.Single : call.Inputs.Count == 0 ? CallShape.None : CallShape.Tuple;
        }
        return new IrCall(call.Targets.Select(Ref).ToEquatableArray(), callee, call.Inputs.Select(Ref).ToEquatableArray(),
            differentiable.ToEquatableArray(), call.CallArgs.Select(a => Cs(a.Value, a.Type)).ToEquatableArray(), shape);
    }

    private IrRef Ref(ValueRef value) => value.Kind switch
    {
        RefKind.Value => new IrRef(IrRefKind.Single, ValueName(value.Name), GradientName(value.Name), null),
        RefKind.Element => new IrRef(IrRefKind.Element, ValueName(value.Name), GradientName(value.Name), Cs(value.Index!)),
        RefKind.WholeArray => new IrRef(IrRefKind.WholeArray, ValueName(value.Name), GradientName(value.Name), null),
        _ => new IrRef(IrRefKind.Constant, NameStyle.Pascal(value.Name) + ".Value", "", null),
    };
}
