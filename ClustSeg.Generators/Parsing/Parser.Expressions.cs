using System.Collections.Generic;
using System.Globalization;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Helpers;

namespace ClustSeg.Generators.Parsing;

internal sealed partial class Parser
{
    private static readonly string[][] BinaryLevels =
    {
        new[] { "||" },
        new[] { "&&" },
        new[] { "==", "!=", "<", "<=", ">", ">=" },
        new[] { "+", "-" },
        new[] { "*", "/", "%" },
    };

    private Expr ParseExpression()
    {
        var condition = ParseBinary(0);
        if (!Accept("?")) return condition;
        var then = ParseExpression();
        Expect(":");
        var otherwise = ParseExpression();
        return new TernaryExpr(condition.Span.To(otherwise.Span), condition, then, otherwise);
    }

    private Expr ParseBinary(int level)
    {
        if (level == BinaryLevels.Length) return ParseUnary();
        var left = ParseBinary(level + 1);
        while (true)
        {
            string? op = null;
            foreach (var candidate in BinaryLevels[level])
            {
                if (Current.Kind == TokenKind.Symbol && Current.Text == candidate) op = candidate;
            }
            if (op is null) return left;
            Next();
            var right = ParseBinary(level + 1);
            left = new BinaryExpr(left.Span.To(right.Span), op, left, right);
        }
    }

    private Expr ParseUnary()
    {
        if (Current.Is("-") || Current.Is("!"))
        {
            var op = Next();
            var operand = ParseUnary();
            return new UnaryExpr(op.Span.To(operand.Span), op.Text, operand);
        }
        return ParsePostfix(ParsePrimary());
    }

    private Expr ParsePostfix(Expr expr)
    {
        while (true)
        {
            if (Current.Is("("))
            {
                Next();
                var args = new List<Arg>();
                if (!Current.Is(")"))
                {
                    do
                    {
                        args.Add(ParseArgument());
                    }
                    while (Accept(","));
                }
                var close = Expect(")");
                expr = new CallExpr(expr.Span.To(close.Span), expr, args.ToEquatableArray());
            }
            else if (Current.Is("["))
            {
                Next();
                var index = ParseExpression();
                var close = Expect("]");
                expr = new IndexExpr(expr.Span.To(close.Span), expr, index);
            }
            else
            {
                return expr;
            }
        }
    }

    private Arg ParseArgument()
    {
        if (Current.Kind == TokenKind.Identifier && PeekAt(1).Is(":"))
        {
            var name = Next();
            Next();
            return new Arg(name.Text, name.Span, ParseExpression());
        }
        var value = ParseExpression();
        return new Arg(null, value.Span, value);
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Next();
                return ParseNumber(token);
            case TokenKind.Identifier when token.Text is "true" or "false":
                Next();
                return new BoolExpr(token.Span, token.Text == "true");
            case TokenKind.Identifier:
                Next();
                return new NameExpr(token.Span, token.Text);
        }
        if (token.Is("("))
        {
            Next();
            var inner = ParseExpression();
            Expect(")");
            return inner;
        }
        if (token.Is("["))
        {
            Next();
            var items = new List<Expr>();
            if (!Current.Is("]"))
            {
                do
                {
                    items.Add(ParseExpression());
                }
                while (Accept(","));
            }
            var close = Expect("]");
            return new ListExpr(token.Span.To(close.Span), items.ToEquatableArray());
        }
        throw Error(token, "an expression");
    }

    private Expr ParseNumber(Token token)
    {
        var isFloat = token.Text.IndexOfAny(new[] { '.', 'e', 'E' }) >= 0;
        if (!double.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ||
            (!isFloat && value > int.MaxValue))
        {
            Report(SpecDiagnostics.InvalidNumber, token.Span, token.Text);
            value = 0;
        }
        return new NumberExpr(token.Span, token.Text, isFloat, value);
    }
}
