using System.Linq;
using ClustSeg.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators.Diagnostics;

/// <summary>An equatable description of one diagnostic, turned into a Roslyn <see cref="Diagnostic"/> only when reported.</summary>
internal sealed record DiagnosticInfo(string Id, string FilePath, SpecSpan Span, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, string filePath, SpecSpan span, params string[] arguments) =>
        new(descriptor.Id, filePath, span, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic()
    {
        var location = Location.Create(FilePath, Span.TextSpan, Span.LineSpan);
        return Diagnostic.Create(SpecDiagnostics.ById(Id), location, Arguments.Cast<object>().ToArray());
    }

    /// <summary>The message as the compiler will print it (used by the checker to deduplicate and by tests).</summary>
    public string Message => string.Format(SpecDiagnostics.ById(Id).MessageFormat.ToString(), Arguments.Cast<object>().ToArray());

    public DiagnosticSeverity Severity => SpecDiagnostics.ById(Id).DefaultSeverity;
}
