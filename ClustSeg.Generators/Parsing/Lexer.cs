using System.Collections.Generic;
using ClustSeg.Generators.Diagnostics;

namespace ClustSeg.Generators.Parsing;

/// <summary>
/// Splits spec text into tokens. Line ends separate statements, except inside parentheses or brackets, so long
/// argument lists may wrap. '#' starts a comment that runs to the end of the line.
/// </summary>
internal sealed class Lexer
{
    private static readonly string[] Symbols =
    {
        "..", "->", "==", "!=", "<=", ">=", "&&", "||",
        "(", ")", "[", "]", "{", "}", ",", ":", "=", "+", "-", "*", "/", "%", "<", ">", "!", "?", ";", ".",
    };

    private readonly string text;
    private readonly string filePath;
    private readonly List<DiagnosticInfo> diagnostics;
    private int position;
    private int line;
    private int column;

    private Lexer(string text, string filePath, List<DiagnosticInfo> diagnostics)
    {
        this.text = text;
        this.filePath = filePath;
        this.diagnostics = diagnostics;
    }

    public static List<Token> Tokenize(string text, string filePath, List<DiagnosticInfo> diagnostics) =>
        new Lexer(text, filePath, diagnostics).Run();

    private List<Token> Run()
    {
        var tokens = new List<Token>();
        var nesting = 0;
        while (position < text.Length)
        {
            var c = text[position];
            if (c == '#')
            {
                while (position < text.Length && text[position] != '\n') Advance();
            }
            else if (c == '\n')
            {
                var start = Mark();
                Advance();
                if (nesting == 0) tokens.Add(new Token(TokenKind.NewLine, "\n", SpanFrom(start)));
            }
            else if (char.IsWhiteSpace(c))
            {
                Advance();
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = Mark();
                while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_')) Advance();
                tokens.Add(new Token(TokenKind.Identifier, text.Substring(start.Offset, position - start.Offset), SpanFrom(start)));
            }
            else if (char.IsDigit(c))
            {
                tokens.Add(ReadNumber());
            }
            else if (TryReadSymbol(out var symbol))
            {
                if (symbol.Text is "(" or "[") nesting++;
                if (symbol.Text is ")" or "]" && nesting > 0) nesting--;
                // Braces never occur inside parentheses, so an unclosed '(' ends here and line ends count again.
                if (symbol.Text is "{" or "}") nesting = 0;
                tokens.Add(symbol);
            }
            else
            {
                var start = Mark();
                Advance();
                diagnostics.Add(DiagnosticInfo.Create(SpecDiagnostics.UnexpectedCharacter, filePath, SpanFrom(start), c.ToString()));
            }
        }
        var end = Mark();
        tokens.Add(new Token(TokenKind.NewLine, "\n", SpanFrom(end)));
        tokens.Add(new Token(TokenKind.EndOfFile, "", SpanFrom(end)));
        return tokens;
    }

    private Token ReadNumber()
    {
        var start = Mark();
        while (position < text.Length && char.IsDigit(text[position])) Advance();
        // A '.' followed by a digit is a decimal point; "0..4" is a range, so '..' must not be consumed here.
        if (Peek(0) == '.' && char.IsDigit(Peek(1)))
        {
            Advance();
            while (position < text.Length && char.IsDigit(text[position])) Advance();
        }
        if (Peek(0) is 'e' or 'E' && (char.IsDigit(Peek(1)) || (Peek(1) is '-' or '+' && char.IsDigit(Peek(2)))))
        {
            Advance();
            if (Peek(0) is '-' or '+') Advance();
            while (position < text.Length && char.IsDigit(text[position])) Advance();
        }
        return new Token(TokenKind.Number, text.Substring(start.Offset, position - start.Offset), SpanFrom(start));
    }

    private bool TryReadSymbol(out Token token)
    {
        foreach (var symbol in Symbols)
        {
            if (string.CompareOrdinal(text, position, symbol, 0, symbol.Length) != 0) continue;
            var start = Mark();
            for (var i = 0; i < symbol.Length; i++) Advance();
            token = new Token(TokenKind.Symbol, symbol, SpanFrom(start));
            return true;
        }
        token = default;
        return false;
    }

    private char Peek(int ahead) => position + ahead < text.Length ? text[position + ahead] : '\0';

    private void Advance()
    {
        if (text[position] == '\n')
        {
            line++;
            column = 0;
        }
        else
        {
            column++;
        }
        position++;
    }

    private (int Offset, int Line, int Column) Mark() => (position, line, column);

    private SpecSpan SpanFrom((int Offset, int Line, int Column) start) =>
        new(start.Offset, position - start.Offset, start.Line, start.Column, line, column);
}
