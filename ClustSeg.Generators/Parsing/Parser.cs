using System;
using System.Collections.Generic;
using System.Linq;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Helpers;

namespace ClustSeg.Generators.Parsing;

/// <summary>
/// Recursive-descent parser for the layer spec language (grammar in docs/spec-language.md). On a syntax error it
/// reports one diagnostic, skips to the end of the statement, and marks the enclosing block as erroneous so later
/// stages neither check nor emit it.
/// </summary>
internal sealed partial class Parser
{
    private readonly List<Token> tokens;
    private readonly string filePath;
    private readonly List<DiagnosticInfo> diagnostics;
    private int index;
    private bool blockHasErrors;

    private Parser(List<Token> tokens, string filePath, List<DiagnosticInfo> diagnostics)
    {
        this.tokens = tokens;
        this.filePath = filePath;
        this.diagnostics = diagnostics;
    }

    public static SpecFile Parse(string text, string filePath, List<DiagnosticInfo> diagnostics)
    {
        var tokens = Lexer.Tokenize(text, filePath, diagnostics);
        return new Parser(tokens, filePath, diagnostics).ParseFile();
    }

    private Token Current => tokens[index];

    private Token PeekAt(int ahead) => tokens[Math.Min(index + ahead, tokens.Count - 1)];

    private SpecSpan PreviousSpan => tokens[Math.Max(index - 1, 0)].Span;

    private SpecFile ParseFile()
    {
        string? ns = null;
        SpecSpan nsSpan = default;
        var blocks = new List<BlockDecl>();
        SkipNewLines();
        if (Current.Is("namespace"))
        {
            try
            {
                nsSpan = Next().Span;
                var parts = new List<string> { ExpectIdentifier("a namespace name").Text };
                while (Current.Is("."))
                {
                    Next();
                    parts.Add(ExpectIdentifier("a namespace name part").Text);
                }
                nsSpan = nsSpan.To(PreviousSpan);
                ns = string.Join(".", parts);
                ExpectEndOfStatement();
            }
            catch (ParseException)
            {
                SkipToTopLevelDeclaration();
            }
        }
        SkipNewLines();
        while (Current.Kind != TokenKind.EndOfFile)
        {
            if (Current.Is("block") || Current.Is("model"))
            {
                var block = ParseBlock();
                if (block is not null) blocks.Add(block);
            }
            else
            {
                Report(SpecDiagnostics.UnexpectedToken, Current.Span, "'block' or 'model'", Current.Describe());
                Next();
                SkipToTopLevelDeclaration();
            }
            SkipNewLines();
        }
        return new SpecFile(ns, nsSpan, blocks.ToEquatableArray());
    }

    private BlockDecl? ParseBlock()
    {
        blockHasErrors = false;
        var isModel = Next().Text == "model";
        Token name;
        var parameters = new List<ParamDecl>();
        try
        {
            name = ExpectIdentifier(isModel ? "a model name" : "a block name");
            Expect("(");
            if (!Current.Is(")"))
            {
                do
                {
                    parameters.Add(ParseParam());
                }
                while (Accept(","));
            }
            Expect(")");
            Expect("{");
        }
        catch (ParseException)
        {
            SkipToTopLevelDeclaration();
            return null;
        }

        var members = new List<MemberDecl>();
        var forwards = new List<ForwardDecl>();
        ParseMembers(members, forwards, allowForward: true);
        if (forwards.Count == 0 && !blockHasErrors)
        {
            Report(SpecDiagnostics.ForwardSection, name.Span, name.Text, "has no forward section; add 'forward(x) -> y { ... }'");
        }
        foreach (var extra in forwards.Skip(1))
        {
            Report(SpecDiagnostics.ForwardSection, extra.Keyword, name.Text, "has more than one forward section");
        }
        return new BlockDecl(name.Text, name.Span, isModel, parameters.ToEquatableArray(), members.ToEquatableArray(),
            forwards.FirstOrDefault(), blockHasErrors || forwards.Count != 1);
    }

    private ParamDecl ParseParam()
    {
        var name = ExpectIdentifier("a parameter name");
        Expect(":");
        var type = ParseType();
        Expr? defaultValue = Accept("=") ? ParseExpression() : null;
        return new ParamDecl(name.Text, name.Span, type, defaultValue);
    }

    private TypeRef ParseType()
    {
        var token = ExpectIdentifier("a type (int, float or bool)");
        ScalarKind kind = token.Text switch
        {
            "int" => ScalarKind.Int,
            "float" => ScalarKind.Float,
            "bool" => ScalarKind.Bool,
            _ => throw Error(token, "a type (int, float, bool, int[] or float[])"),
        };
        var span = token.Span;
        var isList = false;
        if (Current.Is("["))
        {
            Next();
            span = span.To(Expect("]").Span);
            isList = true;
        }
        return new TypeRef(kind, isList, span);
    }

    /// <summary>Members until the closing brace, which is consumed. Recovers statement by statement.</summary>
    private void ParseMembers(List<MemberDecl> members, List<ForwardDecl> forwards, bool allowForward)
    {
        SkipNewLines();
        while (!Current.Is("}"))
        {
            if (Current.Kind == TokenKind.EndOfFile)
            {
                Report(SpecDiagnostics.UnexpectedToken, Current.Span, "'}'", Current.Describe());
                blockHasErrors = true;
                return;
            }
            try
            {
                if (Current.Is("forward") && allowForward)
                {
                    forwards.Add(ParseForward());
                }
                else
                {
                    members.Add(ParseMember(forwards));
                }
            }
            catch (ParseException)
            {
                SkipRestOfStatement();
            }
            SkipNewLines();
        }
        Next();
    }

    private MemberDecl ParseMember(List<ForwardDecl> forwards)
    {
        if (Current.Is("let"))
        {
            Next();
            var name = ExpectIdentifier("a name");
            Expect("=");
            var value = ParseExpression();
            ExpectEndOfStatement();
            return new LetMember(name.Text, name.Span, value);
        }
        if (Current.Is("buffer"))
        {
            Next();
            var name = ExpectIdentifier("a buffer name");
            Expect(":");
            var shape = ParseShape();
            ExpectEndOfStatement();
            return new BufferMember(name.Text, name.Span, shape);
        }
        if (Current.Is("if"))
        {
            return ParseIfMember(forwards);
        }
        var layer = ExpectIdentifier("a layer declaration ('name = layer(...)'), 'let', 'buffer', 'if' or 'forward'");
        var dims = new List<IndexVar>();
        while (Current.Is("["))
        {
            Next();
            var variable = ExpectIdentifier("an index variable, as in 'stages[i in 0..4]'");
            Expect("in");
            var from = ParseExpression();
            Expect("..");
            var to = ParseExpression();
            Expect("]");
            dims.Add(new IndexVar(variable.Text, variable.Span, from, to));
        }
        Expect("=");
        var constructor = ParseExpression();
        if (constructor is not CallExpr call)
        {
            throw Error(constructor.Span, "a layer or block call, e.g. 'conv2d(32, 64, kernel: 3)'", "an expression");
        }
        ExpectEndOfStatement();
        return new ChildMember(layer.Text, layer.Span, dims.ToEquatableArray(), call);
    }

    private IfMember ParseIfMember(List<ForwardDecl> forwards)
    {
        var keyword = Next().Span;
        var condition = ParseExpression();
        Expect("{");
        var then = new List<MemberDecl>();
        ParseMembers(then, forwards, allowForward: false);
        var otherwise = new List<MemberDecl>();
        if (PeekPastNewLines().Is("else"))
        {
            SkipNewLines();
            Next();
            if (Current.Is("if"))
            {
                otherwise.Add(ParseIfMember(forwards));
            }
            else
            {
                Expect("{");
                ParseMembers(otherwise, forwards, allowForward: false);
            }
        }
        return new IfMember(keyword, condition, then.ToEquatableArray(), otherwise.ToEquatableArray());
    }

    private EquatableArray<Expr> ParseShape()
    {
        Expect("[");
        var dims = new List<Expr>();
        if (!Current.Is("]"))
        {
            do
            {
                dims.Add(ParseExpression());
            }
            while (Accept(","));
        }
        Expect("]");
        return dims.ToEquatableArray();
    }
}
