using ClustSeg.Generators.Diagnostics;

namespace ClustSeg.Generators.Parsing;

internal enum TokenKind
{
    EndOfFile,
    NewLine,
    Identifier,
    Number,
    Symbol,
}

/// <summary>One lexical token. Symbols (operators and punctuation) carry their text, e.g. "(" or "..".</summary>
internal readonly record struct Token(TokenKind Kind, string Text, SpecSpan Span)
{
    public bool Is(string symbolOrKeyword) =>
        (Kind == TokenKind.Symbol || Kind == TokenKind.Identifier) && Text == symbolOrKeyword;

    public string Describe() => Kind switch
    {
        TokenKind.EndOfFile => "end of file",
        TokenKind.NewLine => "end of line",
        TokenKind.Number => $"number '{Text}'",
        TokenKind.Identifier => $"'{Text}'",
        _ => $"'{Text}'",
    };
}
