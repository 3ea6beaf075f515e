using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Helpers;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Checking;

internal sealed partial class Resolver
{
    /// <summary>Resolves a name in a numeric context; reports and returns null when it is not a number there.</summary>
    private delegate ScalarType? Lookup(NameExpr name);

    private ScalarType? ConstantsOnly(NameExpr name)
    {
        Report(SpecDiagnostics.NotAllowedHere, name.Span, $"Default values must be constants, but this refers to '{name.Name}'");
        return null;
    }

    private ScalarType? ConstructionScope(NameExpr name) => LookupWith(name, null, null);

    /// <summary>Looks a name up in <paramref name="locals"/>, then the block's members; <paramref name="unknown"/> handles misses.</summary>
    private ScalarType? LookupWith(NameExpr name, IReadOnlyDictionary<string, Entry>? locals, Lookup? unknown)
    {
        Entry? entry = null;
        if (locals is not null && locals.TryGetValue(name.Name, out var local)) entry = local;
        else if (members.TryGetValue(name.Name, out var member))
        {
            entry = member;
            usedMembers.Add(name.Name);
        }
        if (entry is null)
        {
            if (unknown is not null) return unknown(name);
            var candidates = members.Where(m => m.Value.IsScalar).Select(m => m.Key).Concat(locals?.Keys ?? Enumerable.Empty<string>());
            ReportUnknownName(name, candidates);
            return null;
        }
        if (entry.IsPoisoned) return null;
        if (!entry.IsScalar)
        {
            Report(SpecDiagnostics.TypeMismatch, name.Span, $"'{name.Name}'", "a number or bool here", entry.Describe());
            return null;
        }
        return entry.Type;
    }

    /// <summary>Marks every name in <paramref name="expr"/> as used, so that an error in a call does not also report its arguments unused.</summary>
    private void TouchNames(Expr expr)
    {
        switch (expr)
        {
            case NameExpr name:
                if (members.ContainsKey(name.Name)) usedMembers.Add(name.Name);
                else readNames.Add(name.Name);
                break;
            case UnaryExpr unary:
                TouchNames(unary.Operand);
                break;
            case BinaryExpr binary:
                TouchNames(binary.Left);
                TouchNames(binary.Right);
                break;
            case TernaryExpr ternary:
                TouchNames(ternary.Condition);
                TouchNames(ternary.Then);
                TouchNames(ternary.Else);
                break;
            case IndexExpr index:
                TouchNames(index.Target);
                TouchNames(index.Index);
                break;
            case CallExpr call:
                foreach (var arg in call.Args) TouchNames(arg.Value);
                break;
            case ListExpr list:
                foreach (var item in list.Items) TouchNames(item);
                break;
        }
    }

    private void ReportUnknownName(NameExpr name, IEnumerable<string> candidates)
    {
        var suggestion = NameStyle.Suggest(name.Name, candidates);
        Report(SpecDiagnostics.UnknownName, name.Span, name.Name, suggestion is null ? "" : $"; did you mean '{suggestion}'?");
    }

    private void ExpectType(Expr expr, ScalarType expected, string what, Lookup lookup)
    {
        var found = TypeOf(expr, lookup);
        if (found is { } type && !Scalar.IsAssignable(type, expected))
        {
            Report(SpecDiagnostics.TypeMismatch, expr.Span, what, Scalar.Describe(expected), Scalar.Describe(type));
        }
    }

    /// <summary>The static type of a compile-time expression; null after reporting an error inside it.</summary>
    private ScalarType? TypeOf(Expr expr, Lookup lookup)
    {
        switch (expr)
        {
            case NumberExpr number:
                return number.IsFloat ? ScalarType.Float : ScalarType.Int;
            case BoolExpr:
                return ScalarType.Bool;
            case NameExpr name:
                return lookup(name);
            case UnaryExpr unary:
                {
                    var operand = TypeOf(unary.Operand, lookup);
                    if (operand is null) return null;
                    var wanted = unary.Op == "!" ? ScalarType.Bool : ScalarType.Float;
                    if (!Scalar.IsAssignable(operand.Value, wanted))
                    {
                        Report(SpecDiagnostics.TypeMismatch, unary.Operand.Span, $"The operand of '{unary.Op}'", unary.Op == "!" ? "a bool" : "a number", Scalar.Describe(operand.Value));
                        return null;
                    }
                    return operand;
                }
            case BinaryExpr binary:
                return TypeOfBinary(binary, lookup);
            case TernaryExpr ternary:
                {
                    ExpectType(ternary.Condition, ScalarType.Bool, "The condition of '?:'", lookup);
                    var then = TypeOf(ternary.Then, lookup);
                    var otherwise = TypeOf(ternary.Else, lookup);
                    if (then is null || otherwise is null) return null;
                    if (Scalar.IsAssignable(then.Value, otherwise.Value)) return otherwise;
                    if (Scalar.IsAssignable(otherwise.Value, then.Value)) return then;
                    Report(SpecDiagnostics.TypeMismatch, ternary.Else.Span, "Both branches of '?:'", Scalar.Describe(then.Value), Scalar.Describe(otherwise.Value));
                    return null;
                }
            case IndexExpr index:
                {
                    var target = TypeOf(index.Target, lookup);
                    ExpectType(index.Index, ScalarType.Int, "An index", lookup);
                    if (target is null) return null;
                    if (target == ScalarType.IntList) return ScalarType.Int;
                    if (target == ScalarType.FloatList) return ScalarType.Float;
                    Report(SpecDiagnostics.TypeMismatch, index.Target.Span, "An indexed value", "a list", Scalar.Describe(target.Value));
                    return null;
                }
            case ListExpr list:
                {
                    var types = list.Items.Select(item => TypeOf(item, lookup)).ToList();
                    if (types.Any(t => t is null)) return null;
                    if (types.All(t => t == ScalarType.Int)) return ScalarType.IntList;
                    if (types.All(t => t is ScalarType.Int or ScalarType.Float)) return ScalarType.FloatList;
                    Report(SpecDiagnostics.TypeMismatch, list.Span, "List items", "numbers", "something else");
                    return null;
                }
            case CallExpr call:
                return TypeOfFunction(call, lookup);
        }
        return null;
    }

    private ScalarType? TypeOfBinary(BinaryExpr binary, Lookup lookup)
    {
        var left = TypeOf(binary.Left, lookup);
        var right = TypeOf(binary.Right, lookup);
        if (left is null || right is null) return null;
        bool IsNumber(ScalarType t) => t is ScalarType.Int or ScalarType.Float;
        switch (binary.Op)
        {
            case "&&":
            case "||":
                if (left == ScalarType.Bool && right == ScalarType.Bool) return ScalarType.Bool;
                Report(SpecDiagnostics.TypeMismatch, binary.Span, $"The operands of '{binary.Op}'", "bools", $"{Scalar.Describe(left.Value)} and {Scalar.Describe(right.Value)}");
                return null;
            case "==":
            case "!=":
                if ((IsNumber(left.Value) && IsNumber(right.Value)) || (left == ScalarType.Bool && right == ScalarType.Bool)) return ScalarType.Bool;
                break;
            case "<":
            case "<=":
            case ">":
            case ">=":
                if (IsNumber(left.Value) && IsNumber(right.Value)) return ScalarType.Bool;
                break;
            case "%":
                if (left == ScalarType.Int && right == ScalarType.Int) return ScalarType.Int;
                break;
            default:
                if (IsNumber(left.Value) && IsNumber(right.Value))
                {
                    return left == ScalarType.Float || right == ScalarType.Float ? ScalarType.Float : ScalarType.Int;
                }
                break;
        }
        var wanted = binary.Op == "%" ? "ints" : binary.Op is "==" or "!=" ? "two numbers or two bools" : "numbers";
        Report(SpecDiagnostics.TypeMismatch, binary.Span, $"The operands of '{binary.Op}'", wanted, $"{Scalar.Describe(left.Value)} and {Scalar.Describe(right.Value)}");
        return null;
    }

    private ScalarType? TypeOfFunction(CallExpr call, Lookup lookup)
    {
        var name = (call.Callee as NameExpr)?.Name;
        var args = call.Args.Select(a => a.Value).ToList();
        if (call.Args.Any(a => a.Name is not null))
        {
            Report(SpecDiagnostics.NotAllowedHere, call.Span, "Functions on numbers (len, min, max) take positional arguments only");
            return null;
        }
        if (name == "len")
        {
            if (args.Count != 1)
            {
                Report(SpecDiagnostics.WrongArity, call.Span, "len", "1 argument", $"{args.Count} were");
                return null;
            }
            var list = TypeOf(args[0], lookup);
            if (list is null) return null;
            if (list is ScalarType.IntList or ScalarType.FloatList) return ScalarType.Int;
            Report(SpecDiagnostics.TypeMismatch, args[0].Span, "The argument of len", "a list", Scalar.Describe(list.Value));
            return null;
        }
        if (name is "min" or "max")
        {
            if (args.Count != 2)
            {
                Report(SpecDiagnostics.WrongArity, call.Span, name, "2 arguments", $"{args.Count} were");
                return null;
            }
            var a = TypeOf(args[0], lookup);
            var b = TypeOf(args[1], lookup);
            if (a is null || b is null) return null;
            if (a is ScalarType.Int or ScalarType.Float && b is ScalarType.Int or ScalarType.Float)
            {
                return a == ScalarType.Float || b == ScalarType.Float ? ScalarType.Float : ScalarType.Int;
            }
            Report(SpecDiagnostics.TypeMismatch, call.Span, $"The arguments of {name}", "numbers", $"{Scalar.Describe(a.Value)} and {Scalar.Describe(b.Value)}");
            return null;
        }
        Report(SpecDiagnostics.NotAllowedHere, call.Span, "A layer cannot be called where a number is expected; the functions on numbers are len, min and max");
        return null;
    }
}
