using System;
using ClustSeg.Generators.Diagnostics;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Parsing;

internal sealed partial class Parser
{
    private sealed class ParseException : Exception
    {
    }

    private Token Next()
    {
        var token = Current;
        if (index < tokens.Count - 1) index++;
        return token;
    }

    private bool Accept(string symbol)
    {
        if (!Current.Is(symbol)) return false;
        Next();
        return true;
    }

    private Token Expect(string symbol)
    {
        if (Current.Is(symbol)) return Next();
        throw Error(Current, $"'{symbol}'");
    }

    private Token ExpectIdentifier(string what)
    {
        if (Current.Kind == TokenKind.Identifier) return Next();
        throw Error(Current, what);
    }

    /// <summary>A statement ends at a line end or ';', or just before a closing brace.</summary>
    private void ExpectEndOfStatement()
    {
        if (Current.Kind == TokenKind.NewLine || Current.Is(";"))
        {
            Next();
            return;
        }
        if (Current.Is("}") || Current.Kind == TokenKind.EndOfFile) return;
        throw Error(Current, "the end of the line");
    }

    private void SkipNewLines()
    {
        while (Current.Kind == TokenKind.NewLine || Current.Is(";")) Next();
    }

    private Token PeekPastNewLines()
    {
        var ahead = 0;
        while (PeekAt(ahead).Kind == TokenKind.NewLine) ahead++;
        return PeekAt(ahead);
    }

    /// <summary>Skips to the end of the current line, or past a brace-enclosed body that starts on it.</summary>
    private void SkipRestOfStatement()
    {
        var depth = 0;
        while (Current.Kind != TokenKind.EndOfFile)
        {
            if (Current.Is("{")) depth++;
            if (Current.Is("}"))
            {
                if (depth == 0) return;
                depth--;
                if (depth == 0)
                {
                    Next();
                    return;
                }
            }
            if (Current.Kind == TokenKind.NewLine && depth == 0)
            {
                Next();
                return;
            }
            Next();
        }
    }

    private void SkipToTopLevelDeclaration()
    {
        while (Current.Kind != TokenKind.EndOfFile)
        {
            if ((Current.Is("block") || Current.Is("model")) && (index == 0 || tokens[index - 1].Kind == TokenKind.NewLine)) return;
            Next();
        }
    }

    private ParseException Error(Token found, string expected) => Error(found.Span, expected, found.Describe());

    private ParseException Error(SpecSpan span, string expected, string found)
    {
        Report(SpecDiagnostics.UnexpectedToken, span, expected, found);
        return new ParseException();
    }

    private void Report(DiagnosticDescriptor descriptor, SpecSpan span, params string[] arguments)
    {
        blockHasErrors = true;
        diagnostics.Add(DiagnosticInfo.Create(descriptor, filePath, span, arguments));
    }
}
