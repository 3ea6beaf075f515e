using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Catalog;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Checking;

internal sealed partial class Resolver
{
    private enum ExprClass
    {
        Unknown,
        Scalar,
        Tensor,
        Layer,
    }

    /// <summary>What an expression in forward denotes, judged from its names; errors are reported when it is lowered.</summary>
    private ExprClass Classify(Expr expr)
    {
        switch (expr)
        {
            case NumberExpr:
            case BoolExpr:
            case ListExpr:
                return ExprClass.Scalar;
            case NameExpr name:
                if (IsScalarInScope(name.Name)) return ExprClass.Scalar;
                if (tensors.ContainsKey(name.Name)) return ExprClass.Tensor;
                if (members.TryGetValue(name.Name, out var member))
                {
                    return member.IsScalar ? ExprClass.Scalar : member.Kind == EntryKind.Buffer ? ExprClass.Tensor : ExprClass.Layer;
                }
                if (assignedAnywhere.Contains(name.Name)) return ExprClass.Tensor;
                return PrimitiveCatalog.Find(name.Name).Count > 0 || blocks.ContainsKey(name.Name) ? ExprClass.Layer : ExprClass.Unknown;
            case IndexExpr index:
                return Classify(index.Target);
            case CallExpr call:
                return call.Callee is NameExpr { Name: "len" or "min" or "max" } ? ExprClass.Scalar : ExprClass.Tensor;
            case BinaryExpr binary:
                var left = Classify(binary.Left);
                var right = Classify(binary.Right);
                if (left == ExprClass.Tensor || right == ExprClass.Tensor) return ExprClass.Tensor;
                return left == ExprClass.Unknown || right == ExprClass.Unknown ? ExprClass.Unknown : ExprClass.Scalar;
            case UnaryExpr unary:
                return Classify(unary.Operand);
            case TernaryExpr ternary:
                return Classify(ternary.Then);
        }
        return ExprClass.Unknown;
    }

    /// <summary>
    /// Lowers a tensor expression to calls. With <paramref name="assign"/> the final result goes to its targets;
    /// without, nested results go to fresh temporaries. Returns the result, or null after reporting.
    /// </summary>
    private ValueRef? LowerTensor(Expr expr, AssignStmt? assign, List<ForwardOp> into)
    {
        switch (expr)
        {
            case CallExpr call:
                return LowerCall(call, assign, into);
            case BinaryExpr { Op: "+" or "*" } binary when Classify(binary) != ExprClass.Scalar:
                return LowerOperator(binary, assign, into);
            case BinaryExpr binary when Classify(binary) == ExprClass.Tensor:
                Report(SpecDiagnostics.NotAllowedHere, binary.Span, $"Operator '{binary.Op}' is not defined for tensors; tensors support '+' (add) and '*' (mul, or scale by a number)");
                return null;
            case NameExpr:
            case IndexExpr:
                var source = ReadTensor(expr);
                if (source is null || assign is null) return source;
                var targets = MakeTargets(assign, new[] { source.Kind == RefKind.WholeArray }, source.Name);
                if (targets is null) return null;
                if (source.Kind == RefKind.WholeArray)
                {
                    Report(SpecDiagnostics.NotAllowedHere, assign.Span, "Arrays cannot be copied as a whole; assign them element by element");
                    return null;
                }
                into.Add(new AliasForwardOp(assign.Span, targets[0], source));
                return targets[0];
        }
        Report(SpecDiagnostics.TypeMismatch, expr.Span, "This expression", "a tensor (a layer call, a + b, x * 0.5, or a value)", "a number or something else");
        return null;
    }

    /// <summary>A value, array element, whole array or buffer used as an operand.</summary>
    private ValueRef? ReadTensor(Expr expr)
    {
        if (expr is IndexExpr { Target: NameExpr arrayName } element)
        {
            if (tensors.TryGetValue(arrayName.Name, out var array) && array.Kind == EntryKind.ValueArray)
            {
                readNames.Add(arrayName.Name);
                ExpectType(element.Index, ScalarType.Int, "An array index", ForwardLookup);
                return new ValueRef(RefKind.Element, arrayName.Name, element.Index, element.Span);
            }
            if (array is not null || members.ContainsKey(arrayName.Name))
            {
                Report(SpecDiagnostics.NotAllowedHere, element.Span, $"'{arrayName.Name}' is not an array of tensors and cannot be indexed here");
                return null;
            }
            return ReadTensor(arrayName);
        }
        if (expr is not NameExpr name)
        {
            Report(SpecDiagnostics.TypeMismatch, expr.Span, "This expression", "a tensor", "something else");
            return null;
        }
        if (tensors.TryGetValue(name.Name, out var entry))
        {
            readNames.Add(name.Name);
            if (entry.IsPoisoned) return null;
            return new ValueRef(entry.Kind == EntryKind.ValueArray ? RefKind.WholeArray : RefKind.Value, name.Name, null, name.Span);
        }
        if (members.TryGetValue(name.Name, out var member))
        {
            usedMembers.Add(name.Name);
            if (member.Kind == EntryKind.Buffer) return new ValueRef(RefKind.Buffer, name.Name, null, name.Span);
            Report(SpecDiagnostics.TypeMismatch, name.Span, $"'{name.Name}'", "a tensor here", member.Kind == EntryKind.Child ? "a layer (call it: " + name.Name + "(x))" : member.Describe());
            return null;
        }
        if (IsScalarInScope(name.Name))
        {
            Report(SpecDiagnostics.TypeMismatch, name.Span, $"'{name.Name}'", "a tensor here", "a number");
            return null;
        }
        if (assignedAnywhere.Contains(name.Name))
        {
            Report(SpecDiagnostics.UsedBeforeAssigned, name.Span, name.Name);
            return null;
        }
        ReportUnknownName(name, tensors.Keys.Concat(members.Keys));
        return null;
    }

    private ValueRef? LowerOperator(BinaryExpr binary, AssignStmt? assign, List<ForwardOp> into)
    {
        var leftClass = Classify(binary.Left);
        var rightClass = Classify(binary.Right);
        if (binary.Op == "*" && (leftClass == ExprClass.Scalar || rightClass == ExprClass.Scalar))
        {
            var (tensorExpr, factor) = leftClass == ExprClass.Scalar ? (binary.Right, binary.Left) : (binary.Left, binary.Right);
            var operand = LowerTensor(tensorExpr, null, into);
            ExpectType(factor, ScalarType.Float, "The factor of '*'", InlineArgumentLookup);
            if (operand is null) return null;
            var scale = PrimitiveCatalog.Find("scale")[0];
            return EmitInline(binary.Span, scale, new[] { operand }, new[] { new BoundArg("factor", ScalarType.Float, factor, false) }, assign, into);
        }
        if (leftClass == ExprClass.Scalar || rightClass == ExprClass.Scalar)
        {
            Report(SpecDiagnostics.NotAllowedHere, binary.Span, "A number cannot be added to a tensor; use a layer (e.g. a bias) or scale with '*'");
            return null;
        }
        var left = LowerTensor(binary.Left, null, into);
        var right = LowerTensor(binary.Right, null, into);
        if (left is null || right is null) return null;
        var primitive = PrimitiveCatalog.Find(binary.Op == "+" ? "add" : "mul")[0];
        return EmitInline(binary.Span, primitive, new[] { left, right }, new BoundArg[0], assign, into);
    }
}
