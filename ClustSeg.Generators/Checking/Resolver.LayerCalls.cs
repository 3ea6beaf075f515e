using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Catalog;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Helpers;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Checking;

internal sealed partial class Resolver
{
    private readonly Dictionary<string, int> inlineCounts = new();

    private ValueRef? LowerCall(CallExpr call, AssignStmt? assign, List<ForwardOp> into)
    {
        var indices = new List<Expr>();
        var callee = call.Callee;
        while (callee is IndexExpr indexed)
        {
            indices.Insert(0, indexed.Index);
            callee = indexed.Target;
        }
        if (callee is not NameExpr name)
        {
            Report(SpecDiagnostics.NotCallable, call.Callee.Span, "this expression", "not a layer");
            return null;
        }
        if (name.Name is "len" or "min" or "max")
        {
            Report(SpecDiagnostics.TypeMismatch, call.Span, $"'{name.Name}(...)'", "a tensor here", "a number");
            return null;
        }
        if (tensors.TryGetValue(name.Name, out var local))
        {
            Report(SpecDiagnostics.NotCallable, name.Span, name.Name, local.Describe());
            return null;
        }
        if (IsScalarInScope(name.Name))
        {
            Report(SpecDiagnostics.NotCallable, name.Span, name.Name, "a number");
            return null;
        }
        if (members.TryGetValue(name.Name, out var member))
        {
            usedMembers.Add(name.Name);
            if (member.Kind != EntryKind.Child)
            {
                Report(SpecDiagnostics.NotCallable, name.Span, name.Name, member.Describe());
                return null;
            }
            if (!result.Children.TryGetValue(name.Name, out var child)) return null;
            if (indices.Count != child.Rank)
            {
                var usage = child.Rank == 0 ? $"is one layer; call it as {name.Name}(x)" : $"is an array of layers with {child.Rank} ind{(child.Rank == 1 ? "ex" : "ices")}; call it as {name.Name}{string.Concat(Enumerable.Repeat("[i]", child.Rank))}(x)";
                Report(SpecDiagnostics.IndexCount, call.Callee.Span, name.Name, usage);
                return null;
            }
            foreach (var index in indices) ExpectType(index, ScalarType.Int, $"An index of '{name.Name}'", ForwardLookup);
            return LowerChildCall(call, name.Name, child, indices, assign, into);
        }
        if (blocks.ContainsKey(name.Name))
        {
            Report(SpecDiagnostics.NotAllowedHere, name.Span, $"Block '{name.Name}' must be declared as a named layer ('name = {name.Name}(...)') and called by that name");
            return null;
        }
        var overloads = PrimitiveCatalog.Find(name.Name);
        if (overloads.Count == 0)
        {
            ReportUnknownLayer(name, members.Where(m => m.Value.Kind == EntryKind.Child).Select(m => m.Key));
            return null;
        }
        if (indices.Count > 0)
        {
            Report(SpecDiagnostics.NotAllowedHere, call.Callee.Span, $"'{name.Name}' is a primitive, not an array of layers, and cannot be indexed");
            return null;
        }
        if (overloads[0].HasWeights)
        {
            Report(SpecDiagnostics.LayerNeedsName, name.Span, name.Name);
            return null;
        }
        return LowerInlineCall(call, name.Name, overloads, assign, into);
    }

    private ValueRef? LowerChildCall(CallExpr call, string name, ChildDecl child, List<Expr> indices, AssignStmt? assign, List<ForwardOp> into)
    {
        var display = child.Rank == 0 ? name : name + string.Concat(Enumerable.Repeat("[...]", child.Rank));
        List<Expr>? tensorArgs;
        List<BoundArg> callArgs = new();
        IReadOnlyList<bool> inputIsArray;
        IReadOnlyList<bool> outputIsArray;
        if (child.Block is { } block)
        {
            var ports = block.Inputs;
            var (tensorList, rest) = SplitArguments(call, ports.Select(p => p.Name).ToList(), variadic: false);
            foreach (var extra in rest) ReportExtraArgument(display, extra, ports.Count, "tensor input");
            tensorArgs = CheckTensorSlots(display, call, ports.Select(p => p.Name).ToList(), tensorList, diagnostics);
            inputIsArray = ports.Select(p => p.Length is not null).ToList();
            outputIsArray = block.Outputs.Select(p => p.Length is not null).ToList();
            if (rest.Count > 0) tensorArgs = null;
        }
        else
        {
            var primitive = child.Primitive!;
            var (tensorList, rest) = SplitArguments(call, primitive.Inputs, primitive.IsVariadic);
            tensorArgs = primitive.IsVariadic ? NonEmpty(display, call, tensorList) : CheckTensorSlots(display, call, primitive.Inputs, tensorList, diagnostics);
            foreach (var fixedArg in rest.Where(a => a.Name is not null && primitive.Attributes.Any(p => p.Name == a.Name)))
            {
                Report(SpecDiagnostics.NotAllowedHere, fixedArg.NameSpan, $"'{fixedArg.Name}' of '{name}' is fixed where '{name}' is declared; set it there");
                tensorArgs = null;
            }
            var bound = BindArguments(display, call, AttributeParameters(primitive.CallAttributes), ForwardLookup, rest.Where(a => a.Name is null || primitive.Attributes.All(p => p.Name != a.Name)).ToList());
            if (bound is null) tensorArgs = null;
            else callArgs = bound;
            inputIsArray = tensorArgs?.Select(_ => false).ToList() ?? new List<bool>();
            outputIsArray = new[] { false };
        }
        if (tensorArgs is null) return null;
        var inputs = LowerInputs(display, tensorArgs, inputIsArray, into);
        if (inputs is null) return null;
        var targets = MakeCallTargets(display, call, outputIsArray, assign);
        if (targets is null) return null;
        into.Add(new CallForwardOp(call.Span, display, child, indices, null, inputs, callArgs, targets));
        return targets[0];
    }

    private ValueRef? LowerInlineCall(CallExpr call, string name, IReadOnlyList<PrimitiveDefinition> overloads, AssignStmt? assign, List<ForwardOp> into)
    {
        PrimitiveDefinition? chosen = null;
        List<Expr>? tensorArgs = null;
        List<BoundArg>? args = null;
        foreach (var overload in overloads)
        {
            var (tensorList, rest) = SplitArguments(call, overload.Inputs, overload.IsVariadic);
            var trial = new List<DiagnosticInfo>();
            var slots = overload.IsVariadic ? (tensorList.Count > 0 ? tensorList.Select(t => t!).ToList() : null) : CheckTensorSlots(name, call, overload.Inputs, tensorList, trial);
            var bound = BindArguments(name, call, AttributeParameters(overload.Attributes), InlineArgumentLookup, rest, trial);
            if (slots is not null && bound is not null && trial.Count == 0)
            {
                chosen = overload;
                tensorArgs = slots;
                args = BindArguments(name, call, AttributeParameters(overload.Attributes), InlineArgumentLookup, rest);
                break;
            }
        }
        if (chosen is null)
        {
            var first = overloads[0];
            var (tensorList, rest) = SplitArguments(call, first.Inputs, first.IsVariadic);
            if (first.IsVariadic) NonEmpty(name, call, tensorList);
            else CheckTensorSlots(name, call, first.Inputs, tensorList, diagnostics);
            BindArguments(name, call, AttributeParameters(first.Attributes), InlineArgumentLookup, rest);
            return null;
        }
        if (tensorArgs is null || args is null) return null;
        var inputs = LowerInputs(name, tensorArgs, tensorArgs.Select(_ => false).ToList(), into);
        if (inputs is null) return null;
        return EmitInline(call.Span, chosen, inputs, args, assign, into);
    }

    private ValueRef? EmitInline(SpecSpan span, PrimitiveDefinition primitive, IReadOnlyList<ValueRef> inputs, IReadOnlyList<BoundArg> args, AssignStmt? assign, List<ForwardOp> into)
    {
        inlineCounts.TryGetValue(primitive.Name, out var count);
        inlineCounts[primitive.Name] = count + 1;
        var inline = new InlineLayer("_" + NameStyle.Camel(primitive.Name).TrimStart('@') + count, primitive, args);
        var targets = MakeCallTargets(primitive.Name, null, new[] { false }, assign);
        if (targets is null) return null;
        result.Inlines.Add(inline);
        into.Add(new CallForwardOp(span, primitive.Name, null, new Expr[0], inline, inputs, new BoundArg[0], targets));
        return targets[0];
    }

    private List<ValueRef>? MakeCallTargets(string display, CallExpr? call, IReadOnlyList<bool> outputIsArray, AssignStmt? assign)
    {
        if (assign is not null) return MakeTargets(assign, outputIsArray, display);
        if (outputIsArray.Count != 1)
        {
            Report(SpecDiagnostics.OutputCountMismatch, call!.Span, display, Plural(outputIsArray.Count, "output"), $"it is used inside an expression, where only 1 can be; write '(a, b) = {display}(...)'. 1 is");
            return null;
        }
        var name = "%" + tempCount++;
        result.Locals.Add(new LocalTensor(name, outputIsArray[0], null));
        return new List<ValueRef> { new(outputIsArray[0] ? RefKind.WholeArray : RefKind.Value, name, null, call?.Span ?? default) };
    }

    private List<ValueRef>? LowerInputs(string callee, IReadOnlyList<Expr> args, IReadOnlyList<bool> isArray, List<ForwardOp> into)
    {
        var inputs = new List<ValueRef>();
        var ok = true;
        for (var i = 0; i < args.Count; i++)
        {
            var value = LowerTensor(args[i], null, into);
            if (value is null)
            {
                ok = false;
                continue;
            }
            var wantArray = i < isArray.Count && isArray[i];
            if ((value.Kind == RefKind.WholeArray) != wantArray)
            {
                Report(SpecDiagnostics.TypeMismatch, args[i].Span, $"Input {i + 1} of '{callee}'", wantArray ? "an array of tensors" : "one tensor", wantArray ? "one tensor" : "an array of tensors");
                ok = false;
                continue;
            }
            inputs.Add(value);
        }
        return ok ? inputs : null;
    }

    /// <summary>Separates tensor inputs (the leading positional arguments, or named after an input) from attributes.</summary>
    private static (List<Expr?> Tensors, List<Arg> Others) SplitArguments(CallExpr call, IReadOnlyList<string> inputNames, bool variadic)
    {
        var tensorSlots = new List<Expr?>(variadic ? new Expr?[0] : new Expr?[inputNames.Count]);
        var rest = new List<Arg>();
        var position = 0;
        foreach (var arg in call.Args)
        {
            if (arg.Name is null && (variadic || position < inputNames.Count))
            {
                if (variadic) tensorSlots.Add(arg.Value);
                else tensorSlots[position] = arg.Value;
                position++;
            }
            else if (arg.Name is not null && !variadic && inputNames.Contains(arg.Name) && tensorSlots[inputNames.ToList().IndexOf(arg.Name)] is null)
            {
                tensorSlots[inputNames.ToList().IndexOf(arg.Name)] = arg.Value;
            }
            else
            {
                rest.Add(arg);
            }
        }
        return (tensorSlots, rest);
    }

    private List<Expr>? CheckTensorSlots(string callee, CallExpr call, IReadOnlyList<string> inputNames, List<Expr?> slots, List<DiagnosticInfo> sink)
    {
        var missing = inputNames.Where((_, i) => slots[i] is null).ToList();
        if (missing.Count == 0) return slots.Select(s => s!).ToList();
        sink.Add(DiagnosticInfo.Create(SpecDiagnostics.WrongArity, signature.FilePath, call.Span, callee,
            $"{Plural(inputNames.Count, "tensor input")} ({string.Join(", ", inputNames)})", $"'{string.Join("', '", missing)}' {(missing.Count == 1 ? "is" : "are")} not"));
        return null;
    }

    private List<Expr>? NonEmpty(string callee, CallExpr call, List<Expr?> tensors)
    {
        if (tensors.Count > 0) return tensors.Select(t => t!).ToList();
        Report(SpecDiagnostics.WrongArity, call.Span, callee, "one or more tensor inputs", "none were");
        return null;
    }

    private void ReportExtraArgument(string callee, Arg extra, int inputCount, string what)
    {
        if (extra.Name is not null)
        {
            Report(SpecDiagnostics.UnknownArgument, extra.NameSpan, callee, extra.Name, "");
        }
        else
        {
            Report(SpecDiagnostics.WrongArity, extra.Value.Span, callee, Plural(inputCount, what), "more were");
        }
    }
}
