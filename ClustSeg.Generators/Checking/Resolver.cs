using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Catalog;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Helpers;
using ClustSeg.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Checking;

/// <summary>
/// Resolves one block: every name to what it denotes, every call to its callee with bound arguments, every
/// expression to its type, and the forward section to a flat list of calls. Reports unknown names (with a
/// suggestion), arity and type errors, and unused parts. Needs only the signatures of other blocks.
/// </summary>
internal sealed partial class Resolver
{
    private readonly BlockSignature signature;
    private readonly IReadOnlyDictionary<string, BlockSignature> blocks;
    private readonly List<DiagnosticInfo> diagnostics;
    private readonly ResolvedBlock result;
    private readonly Dictionary<string, Entry> members = new();
    private readonly Dictionary<string, string> propertyNames = new();
    private readonly HashSet<string> usedMembers = new();

    private Resolver(BlockSignature signature, IReadOnlyDictionary<string, BlockSignature> blocks, List<DiagnosticInfo> diagnostics)
    {
        this.signature = signature;
        this.blocks = blocks;
        this.diagnostics = diagnostics;
        result = new ResolvedBlock(signature);
    }

    private enum EntryKind
    {
        Param,
        Let,
        Child,
        Buffer,
        IndexVar,
        ForwardLet,
        LoopVar,
        Value,
        ValueArray,
    }

    private sealed class Entry
    {
        public Entry(EntryKind kind, SpecSpan span, ScalarType type = ScalarType.Int, bool poisoned = false)
        {
            Kind = kind;
            Span = span;
            Type = type;
            IsPoisoned = poisoned;
        }

        /// <summary>Its declaration failed; uses of it report nothing further.</summary>
        public bool IsPoisoned { get; }

        public EntryKind Kind { get; }

        public SpecSpan Span { get; }

        public ScalarType Type { get; }

        public bool IsScalar => Kind is EntryKind.Param or EntryKind.Let or EntryKind.IndexVar or EntryKind.ForwardLet or EntryKind.LoopVar;

        public string Describe() => Kind switch
        {
            EntryKind.Param => "a parameter",
            EntryKind.Let => "a let value",
            EntryKind.Child => "a layer",
            EntryKind.Buffer => "a buffer",
            EntryKind.IndexVar => "an index variable",
            EntryKind.ForwardLet => "a let value",
            EntryKind.LoopVar => "a loop variable",
            EntryKind.Value => "a tensor",
            _ => "a tensor array",
        };
    }

    public static ResolvedBlock Resolve(BlockSignature signature, IReadOnlyDictionary<string, BlockSignature> blocks, List<DiagnosticInfo> diagnostics)
    {
        var resolver = new Resolver(signature, blocks, diagnostics);
        var before = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        resolver.Run();
        resolver.result.HasErrors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error) > before;
        return resolver.result;
    }

    private BlockDecl Decl => signature.Decl;

    private void Run()
    {
        foreach (var param in Decl.Params)
        {
            var type = Scalar.FromSyntax(param.Type);
            if (!DeclareMember(param.Name, param.Span, new Entry(EntryKind.Param, param.Span, type))) continue;
            result.ScalarMembers[param.Name] = type;
            if (param.Default is not null)
            {
                var defaultType = TypeOf(param.Default, ConstantsOnly);
                if (defaultType is { } found && !Scalar.IsAssignable(found, type))
                {
                    Report(SpecDiagnostics.TypeMismatch, param.Default.Span, $"The default of '{param.Name}'", Scalar.Describe(type), Scalar.Describe(found));
                }
            }
        }
        ResolveMembers(Decl.Members, result.Construction, new List<Expr>());
        if (Decl.Forward is not null) ResolveForward(Decl.Forward);
        ReportUnusedMembers();
    }

    private bool DeclareMember(string name, SpecSpan span, Entry entry)
    {
        if (members.TryGetValue(name, out var existing))
        {
            Report(SpecDiagnostics.DuplicateName, span, name, $"in '{Decl.Name}' as {existing.Describe()} (line {existing.Span.Line + 1})");
            return false;
        }
        var property = NameStyle.Pascal(name);
        string? clash = null;
        if (property == Decl.Name) clash = $"the class name '{Decl.Name}'";
        else if (ReservedNames.Members.Contains(property)) clash = $"the member Module.{property}";
        else if (propertyNames.TryGetValue(property, out var other)) clash = $"'{other}', which also becomes the C# property '{property}'";
        if (clash is not null)
        {
            Report(SpecDiagnostics.ReservedName, span, name, clash);
            // Keep the name known (but unusable) so its uses do not report it as unknown.
            members[name] = new Entry(entry.Kind, span, entry.Type, poisoned: true);
            return false;
        }
        propertyNames[property] = name;
        members[name] = entry;
        return true;
    }

    private void ResolveMembers(EquatableArray<MemberDecl> syntax, List<ConstructionOp> into, List<Expr> conditions)
    {
        foreach (var member in syntax)
        {
            switch (member)
            {
                case LetMember let:
                    var type = TypeOf(let.Value, ConstructionScope);
                    if (type is null)
                    {
                        DeclareMember(let.Name, let.NameSpan, new Entry(EntryKind.Let, let.NameSpan, ScalarType.Int, poisoned: true));
                        break;
                    }
                    if (DeclareMember(let.Name, let.NameSpan, new Entry(EntryKind.Let, let.NameSpan, type.Value)))
                    {
                        result.ScalarMembers[let.Name] = type.Value;
                        into.Add(new LetOp(let, type.Value));
                    }
                    break;
                case BufferMember buffer:
                    foreach (var dim in buffer.Shape) ExpectType(dim, ScalarType.Int, $"A dimension of buffer '{buffer.Name}'", ConstructionScope);
                    if (DeclareMember(buffer.Name, buffer.NameSpan, new Entry(EntryKind.Buffer, buffer.NameSpan)))
                    {
                        result.Buffers[buffer.Name] = buffer;
                        into.Add(new BufferOp(buffer));
                    }
                    break;
                case ChildMember child:
                    TouchNames(child.Constructor);
                    var decl = ResolveChild(child, conditions);
                    // A layer whose declaration failed is still declared, so its uses report nothing more.
                    if (DeclareMember(child.Name, child.NameSpan, new Entry(EntryKind.Child, child.NameSpan)) && decl is not null)
                    {
                        result.Children[child.Name] = decl;
                        into.Add(new ChildOp(decl));
                    }
                    break;
                case IfMember conditional:
                    ExpectType(conditional.Condition, ScalarType.Bool, "The condition of 'if'", ConstructionScope);
                    var then = new List<ConstructionOp>();
                    var otherwise = new List<ConstructionOp>();
                    ResolveMembers(conditional.Then, then, conditions.Concat(new[] { conditional.Condition }).ToList());
                    var negated = new UnaryExpr(conditional.Condition.Span, "!", conditional.Condition);
                    ResolveMembers(conditional.Else, otherwise, conditions.Concat(new[] { (Expr)negated }).ToList());
                    into.Add(new ConditionalOp(conditional.Condition, then, otherwise));
                    break;
            }
        }
    }

    private ChildDecl? ResolveChild(ChildMember child, List<Expr> conditions)
    {
        var indexVars = new Dictionary<string, Entry>();
        foreach (var dim in child.Dims)
        {
            if (dim.From is not NumberExpr { IsFloat: false, Value: 0 })
            {
                Report(SpecDiagnostics.NotAllowedHere, dim.From.Span, $"Layer arrays are numbered from 0 (checkpoint names '{child.Name}.0', '{child.Name}.1', ...); write '{dim.Name} in 0..n'");
            }
            ExpectType(dim.To, ScalarType.Int, $"The length of layer array '{child.Name}'", name => LookupWith(name, indexVars, ConstructionScope));
            if (members.ContainsKey(dim.Name) || indexVars.ContainsKey(dim.Name))
            {
                Report(SpecDiagnostics.DuplicateName, dim.Span, dim.Name, $"in '{Decl.Name}'");
            }
            indexVars[dim.Name] = new Entry(EntryKind.IndexVar, dim.Span);
        }
        Lookup scope = name => LookupWith(name, indexVars, ConstructionScope);
        if (child.Constructor.Callee is not NameExpr callee)
        {
            Report(SpecDiagnostics.NotAllowedHere, child.Constructor.Callee.Span, "A layer declaration calls a primitive or block by name, e.g. 'conv1 = conv2d(3, 32, kernel: 3)'");
            return null;
        }
        if (blocks.TryGetValue(callee.Name, out var block))
        {
            if (block.Decl.IsModel)
            {
                Report(SpecDiagnostics.NotAllowedHere, callee.Span, $"'{callee.Name}' is a model, the root of a network; declare it as 'block' to use it inside '{Decl.Name}'");
                return null;
            }
            result.UsedBlocks.Add(block.Name);
            var (blockArgs, blockInits) = SplitInitArguments(child.Constructor, block.Decl.Params.Select(p => p.Name).ToList());
            ReportBlockInits(callee.Name, blockInits);
            var args = BindArguments(callee.Name, child.Constructor, block.Decl.Params.Select(p => new Parameter(p.Name, Scalar.FromSyntax(p.Type), p.Default)).ToList(), scope, blockArgs);
            return args is null || blockInits.Count > 0 ? null : new ChildDecl(child, null, block, args, conditions, new InitOverride[0]);
        }
        var overloads = PrimitiveCatalog.Find(callee.Name);
        if (overloads.Count == 0)
        {
            ReportUnknownLayer(callee, members.Where(m => m.Value.Kind == EntryKind.Child).Select(m => m.Key));
            return null;
        }
        var (others, inits) = SplitInitArguments(child.Constructor, overloads.SelectMany(p => p.Attributes).Select(a => a.Name).ToList());
        var chosen = BindOverload(callee.Name, child.Constructor, overloads, p => AttributeParameters(p.Attributes), _ => others, scope);
        if (chosen is null) return null;
        var overrides = ResolveInits(callee.Name, chosen.Value.Primitive, chosen.Value.Args, inits, scope);
        return overrides is null ? null : new ChildDecl(child, chosen.Value.Primitive, null, chosen.Value.Args, conditions, overrides);
    }

    private void ReportUnknownLayer(NameExpr callee, IEnumerable<string> localLayers)
    {
        var candidates = PrimitiveCatalog.Names.Concat(blocks.Keys).Concat(localLayers);
        var suggestion = NameStyle.Suggest(callee.Name, candidates);
        Report(SpecDiagnostics.UnknownLayer, callee.Span, callee.Name, suggestion is null ? "" : $"; did you mean '{suggestion}'?");
    }

    private void ReportUnusedMembers()
    {
        foreach (var param in Decl.Params)
        {
            if (!usedMembers.Contains(param.Name) && members.TryGetValue(param.Name, out var e) && e.Kind == EntryKind.Param)
            {
                Report(SpecDiagnostics.UnusedParameter, param.Span, "Parameter", param.Name, Decl.Name);
            }
        }
        foreach (var member in members.Where(m => !usedMembers.Contains(m.Key)))
        {
            if (member.Value.Kind == EntryKind.Let) Report(SpecDiagnostics.UnusedParameter, member.Value.Span, "Let value", member.Key, Decl.Name);
            if (member.Value.Kind == EntryKind.Child) Report(SpecDiagnostics.UnusedLayer, member.Value.Span, member.Key);
        }
    }

    private void Report(DiagnosticDescriptor descriptor, SpecSpan span, params string[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, signature.FilePath, span, arguments));
}
