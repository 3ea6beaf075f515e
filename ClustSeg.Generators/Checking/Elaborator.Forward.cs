using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Catalog;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Checking;

internal sealed partial class Elaborator
{
    private readonly Dictionary<string, List<object?>> memo = new();

    /// <summary>An array of tensor values: each element's shape and whether it has been assigned.</summary>
    private sealed class ArrayValue
    {
        private ArrayValue(int length, bool unknown)
        {
            Items = new Shape?[length];
            Assigned = new bool[length];
            IsUnknown = unknown;
        }

        public static ArrayValue UnknownLength => new(0, true);

        public Shape?[] Items { get; }

        public bool[] Assigned { get; }

        /// <summary>Its length could not be determined; reads and writes are not checked.</summary>
        public bool IsUnknown { get; }

        public static ArrayValue Empty(int length) => new(length, false);

        public static ArrayValue Filled(int length, Shape? shape)
        {
            var array = new ArrayValue(length, false);
            for (var i = 0; i < length; i++)
            {
                array.Items[i] = shape;
                array.Assigned[i] = true;
            }
            return array;
        }

        public override string ToString() => IsUnknown ? "[?]" : "[" + string.Join(", ", Items.Select(Shape.Describe)) + "]";
    }

    /// <summary>The state of one forward run: numbers in scope, assigned values, arrays, bound size symbols.</summary>
    private sealed class Frame
    {
        public Frame(Instance instance)
        {
            Instance = instance;
            Scalars = new Dictionary<string, Scalar>(instance.Scalars);
        }

        public Instance Instance { get; }

        public Dictionary<string, Scalar> Scalars { get; }

        public Dictionary<string, Shape?> Values { get; } = new();

        public Dictionary<string, ArrayValue> Arrays { get; } = new();

        public Dictionary<string, Dim> Symbols { get; } = new();

        public Dictionary<string, string> TempOrigins { get; } = new();

        public Scalar? Lookup(string name) => Scalars.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>Runs a block's forward on input shapes (a Shape? or ArrayValue each); returns its outputs the same way.</summary>
    private List<object?> RunForward(Instance instance, List<object?> inputs)
    {
        var block = instance.Block;
        var key = block.Signature.Name + "(" + string.Join(",", instance.Scalars.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")) + ")"
            + string.Join("|", inputs.Select(i => i is ArrayValue a ? a.ToString() : Shape.Describe(i as Shape)));
        if (memo.TryGetValue(key, out var cached)) return cached;
        var frame = new Frame(instance);
        var ports = block.Signature.Inputs;
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i].Length is null) frame.Values[ports[i].Name] = inputs[i] as Shape;
            else frame.Arrays[ports[i].Name] = inputs[i] as ArrayValue ?? ArrayValue.UnknownLength;
        }
        foreach (var output in block.Signature.Outputs.Where(o => o.Length is not null))
        {
            var length = TryEvaluate(output.Length!, frame.Lookup, instance);
            frame.Arrays[output.Name] = length is null || length.Int < 0 ? ArrayValue.UnknownLength : ArrayValue.Empty((int)length.Int);
        }
        Execute(frame, block.Forward);
        var outputs = new List<object?>();
        foreach (var output in block.Signature.Outputs)
        {
            if (output.Length is not null)
            {
                var array = frame.Arrays[output.Name];
                var missing = array.Assigned.Select((a, i) => (a, i)).Where(p => !p.a).Select(p => p.i).ToList();
                if (!array.IsUnknown && missing.Count > 0)
                {
                    Report(SpecDiagnostics.NotAssignedOnPath, instance.FilePath, output.Span, $"{output.Name}[{missing[0]}]", instance.Context);
                }
                outputs.Add(array);
            }
            else if (frame.Values.TryGetValue(output.Name, out var shape))
            {
                outputs.Add(shape);
            }
            else
            {
                Report(SpecDiagnostics.NotAssignedOnPath, instance.FilePath, output.Span, output.Name, instance.Context);
                outputs.Add(null);
            }
        }
        memo[key] = outputs;
        return outputs;
    }

    private void Execute(Frame frame, List<ForwardOp> ops)
    {
        var instance = frame.Instance;
        foreach (var op in ops)
        {
            if (--budget < 0) return;
            switch (op)
            {
                case LetForwardOp let:
                    var value = TryEvaluate(let.Syntax.Value, frame.Lookup, instance);
                    if (value is null) return;
                    frame.Scalars[let.Syntax.Name] = value;
                    break;
                case ArrayForwardOp array:
                    var length = TryEvaluate(array.Syntax.Length, frame.Lookup, instance);
                    if (length is not null && length.Int < 0)
                    {
                        Report(SpecDiagnostics.InvalidValue, instance.FilePath, array.Syntax.Length.Span, $"array '{array.Syntax.Name}' would have {length.Int} elements", instance.Context);
                    }
                    frame.Arrays[array.Syntax.Name] = length is null || length.Int < 0 ? ArrayValue.UnknownLength : ArrayValue.Empty((int)length.Int);
                    break;
                case LoopForwardOp loop:
                    var from = TryEvaluate(loop.Syntax.From, frame.Lookup, instance);
                    var to = TryEvaluate(loop.Syntax.To, frame.Lookup, instance);
                    if (from is null || to is null) return;
                    for (var i = from.Int; i < to.Int && budget > 0; i++)
                    {
                        if (loop.Syntax.Var is not null) frame.Scalars[loop.Syntax.Var] = Scalar.FromInt(i);
                        Execute(frame, loop.Body);
                    }
                    break;
                case IfForwardOp branch:
                    var condition = TryEvaluate(branch.Syntax.Condition, frame.Lookup, instance);
                    if (condition is null) return;
                    Execute(frame, condition.Flag ? branch.Then : branch.Else);
                    break;
                case AliasForwardOp alias:
                    Write(frame, alias.Target, Read(frame, alias.Source), alias.Source.Name);
                    break;
                case CallForwardOp call:
                    ExecuteCall(frame, call);
                    break;
            }
        }
    }

    private void ExecuteCall(Frame frame, CallForwardOp call)
    {
        var instance = frame.Instance;
        var inputs = call.Inputs.Select(input => Read(frame, input)).ToList();
        var outputs = Enumerable.Repeat<object?>(null, call.Targets.Count).ToList();
        var inputNames = call.Inputs.Select(input => frame.TempOrigins.TryGetValue(input.Name, out var origin) ? origin : input.Display).ToList();
        void Fail(DiagnosticDescriptor descriptor, string message) => Report(descriptor, instance.FilePath, call.Span, message, instance.Context);

        if (call.Inline is { } inline)
        {
            if (!instance.InlineAttributes.TryGetValue(inline, out var attributes))
            {
                attributes = EvaluateArgs(inline.Args, name => instance.Scalars.TryGetValue(name, out var v) ? v : null, instance);
                instance.InlineAttributes[inline] = attributes;
                if (attributes is not null) AttributeRules.Validate(inline.Primitive, inline.Primitive.Name, attributes, (_, d, m) => Fail(d, m));
            }
            if (attributes is not null)
            {
                outputs[0] = ShapeRules.Infer(new RuleCall(call.CalleeDisplay, inline.Primitive, attributes, inputs.Select(i => i as Shape).ToList(), inputNames, Fail));
            }
        }
        else if (call.Child is { } child && instance.Layers.TryGetValue(child.Name, out var slot))
        {
            var element = FindElement(frame, call, slot);
            if (element?.Attributes is { } attributes && call.Primitive is { } primitive)
            {
                var all = new Dictionary<string, Scalar>(attributes);
                var callArgs = EvaluateArgs(call.CallArgs, frame.Lookup, instance);
                if (callArgs is not null)
                {
                    foreach (var pair in callArgs) all[pair.Key] = pair.Value;
                    if (primitive.Rule == ShapeRule.RowEmbedding && (all["row"].Int < 0 || all["row"].Int >= all["rows"].Int))
                    {
                        Fail(SpecDiagnostics.IndexOutOfRange, $"'{call.CalleeDisplay}' has {all["rows"].Int} rows, but row {all["row"].Int} is used");
                    }
                    outputs[0] = ShapeRules.Infer(new RuleCall(call.CalleeDisplay, primitive, all, inputs.Select(i => i as Shape).ToList(), inputNames, Fail));
                }
            }
            else if (element?.Block is { } callee)
            {
                outputs = CallBlock(frame, call, callee, inputs, inputNames);
            }
        }
        for (var i = 0; i < call.Targets.Count; i++)
        {
            var value = outputs[i] ?? (call.Targets[i].Kind == RefKind.WholeArray ? ArrayValue.UnknownLength : null);
            Write(frame, call.Targets[i], value, call.CalleeDisplay + "(...)");
        }
    }
}
