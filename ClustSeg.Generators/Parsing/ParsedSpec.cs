using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using ClustSeg.Generators.Diagnostics;
using ClustSeg.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Parsing;

/// <summary>The parse stage's output for one .cseg file: its syntax tree (null if unreadable), hash and syntax errors.</summary>
internal sealed record ParsedSpec(string FilePath, string FileName, string Sha256, SpecFile? File, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public static ParsedSpec Parse(AdditionalText text, CancellationToken cancellationToken) =>
        Parse(text.Path, text.GetText(cancellationToken)?.ToString());

    public static ParsedSpec Parse(string path, string? content)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var fileName = Path.GetFileName(path);
        if (content is null) return new ParsedSpec(path, fileName, "", null, EquatableArray<DiagnosticInfo>.Empty);
        var file = Parser.Parse(content, path, diagnostics);
        return new ParsedSpec(path, fileName, Sha256Hex(content), file, diagnostics.ToEquatableArray());
    }

    private static string Sha256Hex(string content)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(content));
        return string.Concat(hash.Select(b => b.ToString("x2")));
    }
}
