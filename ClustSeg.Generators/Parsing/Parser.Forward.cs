using System.Collections.Generic;
using ClustSeg.Generators.Helpers;

namespace ClustSeg.Generators.Parsing;

internal sealed partial class Parser
{
    private ForwardDecl ParseForward()
    {
        var keyword = Next().Span;
        Expect("(");
        var inputs = new List<PortDecl>();
        if (!Current.Is(")"))
        {
            do
            {
                inputs.Add(ParsePort(allowShape: true));
            }
            while (Accept(","));
        }
        Expect(")");
        Expect("->");
        var outputs = new List<PortDecl>();
        if (Accept("("))
        {
            do
            {
                outputs.Add(ParsePort(allowShape: false));
            }
            while (Accept(","));
            Expect(")");
        }
        else
        {
            outputs.Add(ParsePort(allowShape: false));
        }
        Expect("{");
        var body = ParseStatements();
        return new ForwardDecl(keyword, inputs.ToEquatableArray(), outputs.ToEquatableArray(), body);
    }

    private PortDecl ParsePort(bool allowShape)
    {
        var name = ExpectIdentifier(allowShape ? "an input name" : "an output name");
        Expr? length = null;
        if (Accept("["))
        {
            length = ParseExpression();
            Expect("]");
        }
        var hasShape = false;
        var shape = EquatableArray<Expr>.Empty;
        if (allowShape && Accept(":"))
        {
            hasShape = true;
            shape = ParseShape();
        }
        return new PortDecl(name.Text, name.Span, length, shape, hasShape);
    }

    /// <summary>Statements until the closing brace, which is consumed.</summary>
    private EquatableArray<Stmt> ParseStatements()
    {
        var statements = new List<Stmt>();
        SkipNewLines();
        while (!Current.Is("}"))
        {
            if (Current.Kind == TokenKind.EndOfFile)
            {
                Report(Diagnostics.SpecDiagnostics.UnexpectedToken, Current.Span, "'}'", Current.Describe());
                return statements.ToEquatableArray();
            }
            try
            {
                statements.Add(ParseStatement());
            }
            catch (ParseException)
            {
                SkipRestOfStatement();
            }
            SkipNewLines();
        }
        Next();
        return statements.ToEquatableArray();
    }

    private Stmt ParseStatement()
    {
        if (Current.Is("let"))
        {
            Next();
            var name = ExpectIdentifier("a name");
            Expect("=");
            var value = ParseExpression();
            ExpectEndOfStatement();
            return new LetStmt(name.Text, name.Span, value);
        }
        if (Current.Is("var"))
        {
            Next();
            var name = ExpectIdentifier("an array name");
            Expect("[");
            var length = ParseExpression();
            Expect("]");
            ExpectEndOfStatement();
            return new VarStmt(name.Text, name.Span, length);
        }
        if (Current.Is("for"))
        {
            var keyword = Next().Span;
            var variable = ExpectIdentifier("a loop variable");
            Expect("in");
            var from = ParseExpression();
            Expect("..");
            var to = ParseExpression();
            Expect("{");
            return new ForStmt(keyword, variable.Text, variable.Span, from, to, ParseStatements());
        }
        if (Current.Is("repeat"))
        {
            var keyword = Next().Span;
            var count = ParseExpression();
            Expect("{");
            return new ForStmt(keyword, null, keyword, new NumberExpr(keyword, "0", false, 0), count, ParseStatements());
        }
        if (Current.Is("if"))
        {
            return ParseIfStatement();
        }
        return ParseAssignment();
    }

    private IfStmt ParseIfStatement()
    {
        var keyword = Next().Span;
        var condition = ParseExpression();
        Expect("{");
        var then = ParseStatements();
        var otherwise = EquatableArray<Stmt>.Empty;
        if (PeekPastNewLines().Is("else"))
        {
            SkipNewLines();
            Next();
            if (Current.Is("if"))
            {
                otherwise = new[] { (Stmt)ParseIfStatement() }.ToEquatableArray();
            }
            else
            {
                Expect("{");
                otherwise = ParseStatements();
            }
        }
        return new IfStmt(keyword, condition, then, otherwise);
    }

    private AssignStmt ParseAssignment()
    {
        var start = Current.Span;
        var targets = new List<Target>();
        var destructured = false;
        if (Accept("("))
        {
            destructured = true;
            do
            {
                targets.Add(ParseTarget());
            }
            while (Accept(","));
            Expect(")");
        }
        else
        {
            targets.Add(ParseTarget());
        }
        Expect("=");
        var value = ParseExpression();
        var span = start.To(value.Span);
        ExpectEndOfStatement();
        return new AssignStmt(targets.ToEquatableArray(), destructured, value, span);
    }

    private Target ParseTarget()
    {
        var name = ExpectIdentifier("a statement ('name = ...', 'let', 'var', 'for', 'repeat' or 'if')");
        Expr? index = null;
        var span = name.Span;
        if (Accept("["))
        {
            index = ParseExpression();
            span = span.To(Expect("]").Span);
        }
        return new Target(name.Text, span, index);
    }
}
