using System;
using System.Linq;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Parsing;

namespace ClustSeg.Generators.Checking;

/// <summary>An expression that cannot be evaluated for this configuration (division by zero, index out of range).</summary>
internal sealed class EvaluationException : Exception
{
    public EvaluationException(SpecSpan span, string message, bool isIndex = false) : base(message)
    {
        Span = span;
        IsIndex = isIndex;
    }

    public SpecSpan Span { get; }

    public bool IsIndex { get; }
}

/// <summary>Evaluates type-checked compile-time expressions for one configuration of a model.</summary>
internal static class ScalarEvaluator
{
    public static Scalar Evaluate(Expr expr, Func<string, Scalar?> lookup)
    {
        switch (expr)
        {
            case NumberExpr number:
                return number.IsFloat ? Scalar.FromFloat(number.Value) : Scalar.FromInt((long)number.Value);
            case BoolExpr flag:
                return Scalar.FromBool(flag.Value);
            case NameExpr name:
                return lookup(name.Name) ?? throw new EvaluationException(name.Span, $"'{name.Name}' has no value here");
            case UnaryExpr unary:
                var operand = Evaluate(unary.Operand, lookup);
                if (unary.Op == "!") return Scalar.FromBool(!operand.Flag);
                return operand.Type == ScalarType.Int ? Scalar.FromInt(-operand.Int) : Scalar.FromFloat(-operand.Number);
            case BinaryExpr binary:
                return EvaluateBinary(binary, lookup);
            case TernaryExpr ternary:
                return Evaluate(ternary.Condition, lookup).Flag ? Evaluate(ternary.Then, lookup) : Evaluate(ternary.Else, lookup);
            case IndexExpr index:
                var list = Evaluate(index.Target, lookup);
                var i = Evaluate(index.Index, lookup).Int;
                if (i < 0 || i >= list.List.Count)
                {
                    throw new EvaluationException(index.Index.Span, $"index {i} is outside {list} (length {list.List.Count})", isIndex: true);
                }
                return list.Type == ScalarType.IntList ? Scalar.FromInt((long)list.List[(int)i]) : Scalar.FromFloat(list.List[(int)i]);
            case ListExpr items:
                var values = items.Items.Select(item => Evaluate(item, lookup)).ToList();
                var isInt = values.All(v => v.Type == ScalarType.Int);
                return Scalar.FromList(isInt ? ScalarType.IntList : ScalarType.FloatList, values.Select(v => v.Number));
            case CallExpr call:
                var args = call.Args.Select(a => Evaluate(a.Value, lookup)).ToList();
                var function = ((NameExpr)call.Callee).Name;
                if (function == "len") return Scalar.FromInt(args[0].List.Count);
                var pick = function == "min" ? Math.Min(args[0].Number, args[1].Number) : Math.Max(args[0].Number, args[1].Number);
                return args.All(a => a.Type == ScalarType.Int) ? Scalar.FromInt((long)pick) : Scalar.FromFloat(pick);
        }
        throw new EvaluationException(expr.Span, "this expression has no compile-time value");
    }

    private static Scalar EvaluateBinary(BinaryExpr binary, Func<string, Scalar?> lookup)
    {
        var left = Evaluate(binary.Left, lookup);
        if (binary.Op == "&&" && !left.Flag) return Scalar.FromBool(false);
        if (binary.Op == "||" && left.Flag) return Scalar.FromBool(true);
        var right = Evaluate(binary.Right, lookup);
        var isInt = left.Type == ScalarType.Int && right.Type == ScalarType.Int;
        switch (binary.Op)
        {
            case "&&":
            case "||":
                return Scalar.FromBool(right.Flag);
            case "==":
                return Scalar.FromBool(left.Type == ScalarType.Bool ? left.Flag == right.Flag : left.Number.Equals(right.Number));
            case "!=":
                return Scalar.FromBool(left.Type == ScalarType.Bool ? left.Flag != right.Flag : !left.Number.Equals(right.Number));
            case "<":
                return Scalar.FromBool(left.Number < right.Number);
            case "<=":
                return Scalar.FromBool(left.Number <= right.Number);
            case ">":
                return Scalar.FromBool(left.Number > right.Number);
            case ">=":
                return Scalar.FromBool(left.Number >= right.Number);
            case "+":
                return isInt ? Scalar.FromInt(left.Int + right.Int) : Scalar.FromFloat(left.Number + right.Number);
            case "-":
                return isInt ? Scalar.FromInt(left.Int - right.Int) : Scalar.FromFloat(left.Number - right.Number);
            case "*":
                return isInt ? Scalar.FromInt(left.Int * right.Int) : Scalar.FromFloat(left.Number * right.Number);
            case "/":
                if (right.Number == 0) throw new EvaluationException(binary.Span, $"division by zero in '{ExprPrinter.Print(binary)}'");
                // Integer division truncates, as the generated C# does.
                return isInt ? Scalar.FromInt(left.Int / right.Int) : Scalar.FromFloat(left.Number / right.Number);
            default:
                if (right.Int == 0) throw new EvaluationException(binary.Span, $"remainder by zero in '{ExprPrinter.Print(binary)}'");
                return Scalar.FromInt(left.Int % right.Int);
        }
    }
}
