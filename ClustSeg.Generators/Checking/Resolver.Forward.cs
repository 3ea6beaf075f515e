using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Helpers;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Checking;

internal sealed partial class Resolver
{
    /// <summary>A scope of forward scalars (lets, loop variables). Names used in nested scopes are remembered so an
    /// enclosing scope cannot declare them later (C# forbids that too).</summary>
    private sealed class ForwardScope
    {
        public ForwardScope(ForwardScope? parent) => Parent = parent;

        public ForwardScope? Parent { get; }

        public Dictionary<string, Entry> Declared { get; } = new();

        public HashSet<string> UsedInSubtree { get; } = new();
    }

    private readonly Dictionary<string, Entry> tensors = new();
    private readonly HashSet<string> assignedAnywhere = new();
    private readonly HashSet<string> readNames = new();
    private readonly HashSet<string> outputNames = new();
    private readonly HashSet<string> assignedOutputs = new();
    private readonly List<(string Name, SpecSpan Span)> forwardLets = new();
    private ForwardScope forwardScope = new(null);
    private int tempCount;

    private void ResolveForward(ForwardDecl forward)
    {
        CollectAssignedNames(forward.Body);
        foreach (var port in forward.Inputs.Concat(forward.Outputs))
        {
            var element = NameStyle.Pascal(port.Name);
            if (element == "Rest" || (element.StartsWith("Item") && element.Length > 4 && element.Substring(4).All(char.IsDigit)))
            {
                Report(SpecDiagnostics.ReservedName, port.Span, port.Name, $"the C# tuple element name '{element}'");
            }
        }
        foreach (var input in forward.Inputs) DeclarePort(input, isInput: true);
        foreach (var output in forward.Outputs)
        {
            if (tensors.ContainsKey(output.Name))
            {
                Report(SpecDiagnostics.DuplicateName, output.Span, output.Name, "as an input of forward");
                continue;
            }
            outputNames.Add(output.Name);
            if (output.Length is not null) DeclarePort(output, isInput: false);
        }
        ResolveStatements(forward.Body, result.Forward);

        foreach (var output in forward.Outputs.Where(o => outputNames.Contains(o.Name) && !assignedOutputs.Contains(o.Name)))
        {
            Report(SpecDiagnostics.OutputNotAssigned, output.Span, output.Name, Decl.Name);
        }
        foreach (var input in forward.Inputs.Where(i => !readNames.Contains(i.Name)))
        {
            Report(SpecDiagnostics.UnusedInput, input.Span, input.Name, Decl.Name);
        }
        var inputNames = new HashSet<string>(forward.Inputs.Select(i => i.Name));
        foreach (var local in tensors.Where(t => !readNames.Contains(t.Key) && !outputNames.Contains(t.Key) && !inputNames.Contains(t.Key)))
        {
            Report(SpecDiagnostics.UnusedValue, local.Value.Span, local.Key);
        }
        foreach (var let in forwardLets.Where(l => !readNames.Contains(l.Name)))
        {
            Report(SpecDiagnostics.UnusedParameter, let.Span, "Let value", let.Name, Decl.Name);
        }
    }

    private void CollectAssignedNames(EquatableArray<Stmt> body)
    {
        foreach (var statement in body)
        {
            switch (statement)
            {
                case AssignStmt assign:
                    foreach (var target in assign.Targets) assignedAnywhere.Add(target.Name);
                    break;
                case VarStmt array:
                    assignedAnywhere.Add(array.Name);
                    break;
                case ForStmt loop:
                    CollectAssignedNames(loop.Body);
                    break;
                case IfStmt branch:
                    CollectAssignedNames(branch.Then);
                    CollectAssignedNames(branch.Else);
                    break;
            }
        }
    }

    private void DeclarePort(PortDecl port, bool isInput)
    {
        if (port.Name == "context" || port.Name.Contains("__"))
        {
            Report(SpecDiagnostics.ReservedName, port.Span, port.Name, port.Name == "context" ? "the ModuleContext argument of Forward" : "the generated locals (names with '__')");
            return;
        }
        if (members.TryGetValue(port.Name, out var member) || tensors.ContainsKey(port.Name))
        {
            Report(SpecDiagnostics.DuplicateName, port.Span, port.Name, member is null ? "in forward" : $"in '{Decl.Name}' as {member.Describe()}");
            return;
        }
        if (port.Length is not null) ExpectType(port.Length, ScalarType.Int, $"The length of '{port.Name}'", ConstructionScope);
        foreach (var dim in port.Shape) ExpectType(dim, ScalarType.Int, $"A dimension of '{port.Name}'", ShapeLookup);
        var isArray = port.Length is not null;
        tensors[port.Name] = new Entry(isArray ? EntryKind.ValueArray : EntryKind.Value, port.Span);
        result.Locals.Add(new LocalTensor(port.Name, isArray, port.Length));
        if (!isInput) assignedOutputs.Add(port.Name);
    }

    /// <summary>In a declared shape, unknown names starting with a capital letter are size symbols (B, H, W) and '_' is any size.</summary>
    private ScalarType? ShapeLookup(NameExpr name) => LookupWith(name, null, unknown =>
    {
        if (unknown.Name == "_" || char.IsUpper(unknown.Name[0])) return ScalarType.Int;
        ReportUnknownName(unknown, members.Where(m => m.Value.IsScalar).Select(m => m.Key));
        return null;
    });

    /// <summary>Numbers in forward: lets and loop variables in scope, then the block's parameters and lets.</summary>
    private ScalarType? ForwardLookup(NameExpr name)
    {
        for (var s = forwardScope; s is not null; s = s.Parent)
        {
            if (s.Declared.TryGetValue(name.Name, out var entry))
            {
                readNames.Add(name.Name);
                return entry.Type;
            }
        }
        if (tensors.TryGetValue(name.Name, out var tensor))
        {
            Report(SpecDiagnostics.TypeMismatch, name.Span, $"'{name.Name}'", "a number or bool here", tensor.Describe());
            return null;
        }
        return LookupWith(name, null, null);
    }

    /// <summary>Arguments of inline primitives are fixed when the block is built, so only block-level numbers are allowed.</summary>
    private ScalarType? InlineArgumentLookup(NameExpr name)
    {
        for (var s = forwardScope; s is not null; s = s.Parent)
        {
            if (s.Declared.ContainsKey(name.Name))
            {
                Report(SpecDiagnostics.NotAllowedHere, name.Span,
                    $"'{name.Name}' changes during forward, but arguments of inline layers are fixed when the block is built; use a named layer array or block-level values");
                return null;
            }
        }
        return ForwardLookup(name);
    }

    private void DeclareScalar(string name, SpecSpan span, EntryKind kind, ScalarType type)
    {
        if (members.ContainsKey(name) || tensors.ContainsKey(name) || forwardScope.UsedInSubtree.Contains(name) || IsScalarInScope(name))
        {
            Report(SpecDiagnostics.DuplicateName, span, name, "in this forward section or its block; use a new name");
            return;
        }
        forwardScope.Declared[name] = new Entry(kind, span, type);
        for (var s = forwardScope; s is not null; s = s.Parent) s.UsedInSubtree.Add(name);
        if (kind == EntryKind.ForwardLet) forwardLets.Add((name, span));
    }

    private bool IsScalarInScope(string name)
    {
        for (var s = forwardScope; s is not null; s = s.Parent)
        {
            if (s.Declared.ContainsKey(name)) return true;
        }
        return false;
    }

    private void ResolveStatements(EquatableArray<Stmt> statements, List<ForwardOp> into)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case LetStmt let:
                    if (TypeOf(let.Value, ForwardLookup) is { } type)
                    {
                        DeclareScalar(let.Name, let.NameSpan, EntryKind.ForwardLet, type);
                        into.Add(new LetForwardOp(let, type));
                    }
                    break;
                case VarStmt array:
                    ExpectType(array.Length, ScalarType.Int, $"The length of '{array.Name}'", ForwardLookup);
                    if (members.ContainsKey(array.Name) || tensors.ContainsKey(array.Name) || IsScalarInScope(array.Name))
                    {
                        Report(SpecDiagnostics.DuplicateName, array.NameSpan, array.Name, "in this block");
                        break;
                    }
                    tensors[array.Name] = new Entry(EntryKind.ValueArray, array.NameSpan);
                    result.Locals.Add(new LocalTensor(array.Name, true, array.Length));
                    into.Add(new ArrayForwardOp(array));
                    break;
                case ForStmt loop:
                    ExpectType(loop.From, ScalarType.Int, "The start of the loop", ForwardLookup);
                    ExpectType(loop.To, ScalarType.Int, loop.Var is null ? "The count of 'repeat'" : "The end of the loop", ForwardLookup);
                    forwardScope = new ForwardScope(forwardScope);
                    if (loop.Var is not null) DeclareScalar(loop.Var, loop.VarSpan, EntryKind.LoopVar, ScalarType.Int);
                    var body = new List<ForwardOp>();
                    ResolveStatements(loop.Body, body);
                    forwardScope = forwardScope.Parent!;
                    into.Add(new LoopForwardOp(loop, body));
                    break;
                case IfStmt branch:
                    ExpectType(branch.Condition, ScalarType.Bool, "The condition of 'if'", ForwardLookup);
                    var then = new List<ForwardOp>();
                    var otherwise = new List<ForwardOp>();
                    forwardScope = new ForwardScope(forwardScope);
                    ResolveStatements(branch.Then, then);
                    forwardScope = new ForwardScope(forwardScope.Parent);
                    ResolveStatements(branch.Else, otherwise);
                    forwardScope = forwardScope.Parent!;
                    into.Add(new IfForwardOp(branch, then, otherwise));
                    break;
                case AssignStmt assign:
                    ResolveAssignment(assign, into);
                    break;
            }
        }
    }

    private void ResolveAssignment(AssignStmt assign, List<ForwardOp> into)
    {
        if (Classify(assign.Value) == ExprClass.Scalar)
        {
            Report(SpecDiagnostics.NotAllowedHere, assign.Span, $"'{assign.Targets[0].Name}' is assigned a number; use 'let {assign.Targets[0].Name} = ...' for numbers");
            return;
        }
        if (assign.Destructured && assign.Value is not CallExpr)
        {
            Report(SpecDiagnostics.NotAllowedHere, assign.Value.Span, "Only a call of a block with several outputs can be assigned to '(a, b)'");
            return;
        }
        TouchNames(assign.Value);
        if (LowerTensor(assign.Value, assign, into) is not null) return;
        // Declare the targets anyway, so that later uses do not report them as unknown.
        foreach (var target in assign.Targets.Where(t => t.Index is null && !tensors.ContainsKey(t.Name) && !members.ContainsKey(t.Name) && !IsScalarInScope(t.Name)))
        {
            tensors[target.Name] = new Entry(EntryKind.Value, target.Span, poisoned: true);
            if (outputNames.Contains(target.Name)) assignedOutputs.Add(target.Name);
            readNames.Add(target.Name);
        }
    }

    /// <summary>Declares or looks up the targets of an assignment once the callee's outputs are known.</summary>
    private List<ValueRef>? MakeTargets(AssignStmt assign, IReadOnlyList<bool> outputIsArray, string callee)
    {
        if (assign.Targets.Count != outputIsArray.Count)
        {
            Report(SpecDiagnostics.OutputCountMismatch, assign.Span, callee, Plural(outputIsArray.Count, "output"), Plural(assign.Targets.Count, "target") + (assign.Targets.Count == 1 ? " is" : " are"));
            return null;
        }
        var refs = new List<ValueRef>();
        for (var i = 0; i < outputIsArray.Count; i++)
        {
            var target = assign.Targets[i];
            var isArray = outputIsArray[i];
            if (members.TryGetValue(target.Name, out var member) || IsScalarInScope(target.Name))
            {
                Report(SpecDiagnostics.DuplicateName, target.Span, target.Name, member is null ? "as a number in forward" : $"in '{Decl.Name}' as {member.Describe()}");
                return null;
            }
            tensors.TryGetValue(target.Name, out var existing);
            if (target.Index is not null)
            {
                ExpectType(target.Index, ScalarType.Int, "An array index", ForwardLookup);
                if (existing?.Kind != EntryKind.ValueArray || isArray)
                {
                    Report(SpecDiagnostics.NotAllowedHere, target.Span,
                        isArray ? $"'{callee}' returns an array here, which cannot be stored in one element" : $"'{target.Name}' is not an array; declare it with 'var {target.Name}[n]'");
                    return null;
                }
                refs.Add(new ValueRef(RefKind.Element, target.Name, target.Index, target.Span));
            }
            else if (existing is not null)
            {
                if ((existing.Kind == EntryKind.ValueArray) != isArray)
                {
                    Report(SpecDiagnostics.NotAllowedHere, target.Span, existing.Kind == EntryKind.ValueArray
                        ? $"'{target.Name}' is an array; assign its elements with '{target.Name}[i] = ...'"
                        : $"'{target.Name}' holds one tensor, but '{callee}' returns an array here");
                    return null;
                }
                refs.Add(new ValueRef(isArray ? RefKind.WholeArray : RefKind.Value, target.Name, null, target.Span));
            }
            else
            {
                tensors[target.Name] = new Entry(isArray ? EntryKind.ValueArray : EntryKind.Value, target.Span);
                result.Locals.Add(new LocalTensor(target.Name, isArray, null));
                refs.Add(new ValueRef(isArray ? RefKind.WholeArray : RefKind.Value, target.Name, null, target.Span));
            }
            if (outputNames.Contains(target.Name)) assignedOutputs.Add(target.Name);
        }
        return refs;
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
