using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Checking;

internal sealed partial class Elaborator
{
    private object? Read(Frame frame, ValueRef source)
    {
        var instance = frame.Instance;
        switch (source.Kind)
        {
            case RefKind.Value:
                if (frame.Values.TryGetValue(source.Name, out var shape)) return shape;
                Report(SpecDiagnostics.NotAssignedOnPath, instance.FilePath, source.Span, source.Name, instance.Context);
                return null;
            case RefKind.Buffer:
                return instance.Buffers.TryGetValue(source.Name, out var buffer) ? buffer : null;
            case RefKind.WholeArray:
                if (!frame.Arrays.TryGetValue(source.Name, out var whole)) return ArrayValue.UnknownLength;
                var missing = whole.Assigned.Select((a, i) => (a, i)).FirstOrDefault(p => !p.a);
                if (!whole.IsUnknown && whole.Assigned.Any(a => !a))
                {
                    Report(SpecDiagnostics.NotAssignedOnPath, instance.FilePath, source.Span, $"{source.Name}[{missing.i}]", instance.Context);
                }
                return whole;
            default:
                if (!frame.Arrays.TryGetValue(source.Name, out var array) || array.IsUnknown) return null;
                var index = ElementIndex(frame, source, array);
                if (index is null) return null;
                if (array.Assigned[index.Value]) return array.Items[index.Value];
                Report(SpecDiagnostics.NotAssignedOnPath, instance.FilePath, source.Span, $"{source.Name}[{index}]", instance.Context);
                return null;
        }
    }

    private void Write(Frame frame, ValueRef target, object? value, string origin)
    {
        if (target.Name.StartsWith("%")) frame.TempOrigins[target.Name] = origin;
        switch (target.Kind)
        {
            case RefKind.Value:
                frame.Values[target.Name] = value as Shape;
                break;
            case RefKind.WholeArray:
                frame.Arrays[target.Name] = value as ArrayValue ?? ArrayValue.UnknownLength;
                break;
            case RefKind.Element:
                if (!frame.Arrays.TryGetValue(target.Name, out var array) || array.IsUnknown) return;
                var index = ElementIndex(frame, target, array);
                if (index is null) return;
                array.Items[index.Value] = value as Shape;
                array.Assigned[index.Value] = true;
                break;
        }
    }

    private int? ElementIndex(Frame frame, ValueRef reference, ArrayValue array)
    {
        var index = TryEvaluate(reference.Index!, frame.Lookup, frame.Instance);
        if (index is null) return null;
        if (index.Int >= 0 && index.Int < array.Items.Length) return (int)index.Int;
        Report(SpecDiagnostics.IndexOutOfRange, frame.Instance.FilePath, reference.Span,
            $"'{reference.Name}' has {array.Items.Length} elements, but index {index.Int} is used", frame.Instance.Context);
        return null;
    }

    private LayerElement? FindElement(Frame frame, CallForwardOp call, LayerSlot slot)
    {
        var instance = frame.Instance;
        if (!slot.Present)
        {
            var conditions = string.Join(" && ", slot.Decl.Conditions.Select(ExprPrinter.Print));
            Report(SpecDiagnostics.AbsentLayer, instance.FilePath, call.Span, slot.Decl.Name, conditions, instance.Context);
            return null;
        }
        var key = "";
        for (var d = 0; d < call.ChildIndices.Count; d++)
        {
            var index = TryEvaluate(call.ChildIndices[d], frame.Lookup, instance);
            if (index is null || !slot.Lengths.TryGetValue(key, out var length)) return null;
            if (index.Int < 0 || index.Int >= length)
            {
                var prefix = key.Length == 0 ? slot.Decl.Name : $"{slot.Decl.Name}.{key}";
                Report(SpecDiagnostics.IndexOutOfRange, instance.FilePath, call.ChildIndices[d].Span,
                    $"'{prefix}' has {length} layers, but index {index.Int} is used", instance.Context);
                return null;
            }
            key = key.Length == 0 ? index.Int.ToString() : $"{key}.{index.Int}";
        }
        return slot.Elements.TryGetValue(key, out var element) ? element : null;
    }

    private List<object?> CallBlock(Frame frame, CallForwardOp call, Instance callee, List<object?> inputs, List<string> inputNames)
    {
        var ports = callee.Block.Signature.Inputs;
        var calleeFrame = new Frame(callee);
        var matches = true;
        for (var i = 0; i < ports.Count && i < inputs.Count; i++)
        {
            var port = ports[i];
            if (port.Length is not null && inputs[i] is ArrayValue array && !array.IsUnknown)
            {
                var length = TryEvaluate(port.Length, calleeFrame.Lookup, callee);
                if (length is not null && length.Int != array.Items.Length)
                {
                    matches = false;
                    Report(SpecDiagnostics.InputShapeMismatch, frame.Instance.FilePath, call.Span, port.Name, callee.Block.Signature.Name,
                        $"an array of {length.Int}", $"an array of {array.Items.Length}", frame.Instance.Context);
                }
                foreach (var item in array.Items) matches &= CheckDeclaredShape(frame, call, callee, calleeFrame, port, item, inputNames[i]);
            }
            else if (port.Length is null)
            {
                matches &= CheckDeclaredShape(frame, call, callee, calleeFrame, port, inputs[i] as Shape, inputNames[i]);
            }
        }
        // A block fed the wrong shapes would only report the consequences; its outputs stay unknown instead.
        if (!matches) return callee.Block.Signature.Outputs.Select(o => o.Length is null ? null : (object)ArrayValue.UnknownLength).ToList();
        return RunForward(callee, inputs);
    }

    private bool CheckDeclaredShape(Frame frame, CallForwardOp call, Instance callee, Frame calleeFrame, PortDecl port, Shape? actual, string inputName)
    {
        if (!port.HasShape || actual is null) return true;
        var declared = "[" + string.Join(", ", port.Shape.Select(ExprPrinter.Print)) + "]";
        var fits = port.Shape.Count == actual.Rank;
        for (var axis = 0; fits && axis < actual.Rank; axis++)
        {
            if (actual[axis] is { } dim && !Unify(port.Shape[axis], dim, calleeFrame)) fits = false;
        }
        if (!fits)
        {
            Report(SpecDiagnostics.InputShapeMismatch, frame.Instance.FilePath, call.Span, port.Name, callee.Block.Signature.Name,
                declared + DescribeDeclared(port, calleeFrame), $"'{inputName}' {actual}", frame.Instance.Context);
        }
        return fits;
    }

    private static string DescribeDeclared(PortDecl port, Frame frame)
    {
        var dims = port.Shape.Select(d => d is NameExpr n && frame.Scalars.TryGetValue(n.Name, out var v) ? v.ToString() : ExprPrinter.Print(d)).ToList();
        var text = "[" + string.Join(", ", dims) + "]";
        return text == "[" + string.Join(", ", port.Shape.Select(ExprPrinter.Print)) + "]" ? "" : " = " + text;
    }

    /// <summary>Matches a declared dimension against an actual one, binding size symbols (H, or k*H) on first use.</summary>
    private bool Unify(Expr declared, Dim actual, Frame frame)
    {
        switch (declared)
        {
            case NameExpr { Name: "_" }:
                return true;
            case NameExpr symbol when !frame.Scalars.ContainsKey(symbol.Name) && !frame.Symbols.ContainsKey(symbol.Name):
                frame.Symbols[symbol.Name] = actual;
                return true;
            case BinaryExpr { Op: "*", Left: NumberExpr { IsFloat: false } k, Right: NameExpr symbol } when IsFreeSymbol(symbol, frame):
                return BindMultiple(symbol.Name, (long)k.Value, actual, frame);
            case BinaryExpr { Op: "*", Left: NameExpr symbol, Right: NumberExpr { IsFloat: false } k } when IsFreeSymbol(symbol, frame):
                return BindMultiple(symbol.Name, (long)k.Value, actual, frame);
        }
        var expected = EvaluateDim(declared, frame, freeSymbols: false);
        return expected is null || expected.Equals(actual);
    }

    private static bool IsFreeSymbol(NameExpr symbol, Frame frame) => !frame.Scalars.ContainsKey(symbol.Name) && !frame.Symbols.ContainsKey(symbol.Name);

    private static bool BindMultiple(string symbol, long k, Dim actual, Frame frame)
    {
        var quotient = actual.TryDivideExactly(k);
        if (quotient is null) return false;
        frame.Symbols[symbol] = quotient;
        return true;
    }

    /// <summary>A declared dimension as a polynomial: numbers, parameters, bound symbols, + - * and exact division.</summary>
    private Dim? EvaluateDim(Expr expr, Frame frame, bool freeSymbols)
    {
        switch (expr)
        {
            case NameExpr { Name: "_" }:
                return null;
            case NameExpr name when frame.Scalars.TryGetValue(name.Name, out var value):
                return Dim.Const(value.Int);
            case NameExpr name when frame.Symbols.TryGetValue(name.Name, out var bound):
                return bound;
            case NameExpr name when freeSymbols:
                return frame.Symbols[name.Name] = Dim.Symbol(name.Name);
            case NameExpr:
                return null;
            case BinaryExpr { Op: "+" or "-" or "*" } binary:
                var left = EvaluateDim(binary.Left, frame, freeSymbols);
                var right = EvaluateDim(binary.Right, frame, freeSymbols);
                if (left is null || right is null) return null;
                return binary.Op == "+" ? left + right : binary.Op == "-" ? left - right : left * right;
            case BinaryExpr { Op: "/" } division:
                var numerator = EvaluateDim(division.Left, frame, freeSymbols);
                var denominator = EvaluateDim(division.Right, frame, freeSymbols);
                return denominator is { IsConstant: true } d ? numerator?.TryDivideExactly(d.ConstantTerm) : null;
        }
        var scalar = TryEvaluate(expr, frame.Lookup, frame.Instance);
        return scalar is null ? null : Dim.Const(scalar.Int);
    }
}
