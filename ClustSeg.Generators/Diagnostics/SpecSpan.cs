using Microsoft.CodeAnalysis.Text;

namespace ClustSeg.Generators.Diagnostics;

/// <summary>
/// A position range in a spec file, captured by value (offsets and zero-based line/column) so that models holding
/// it stay equatable and keep no Roslyn objects alive.
/// </summary>
internal readonly record struct SpecSpan(int Start, int Length, int Line, int Column, int EndLine, int EndColumn)
{
    public TextSpan TextSpan => new(Start, Length);

    public LinePositionSpan LineSpan => new(new LinePosition(Line, Column), new LinePosition(EndLine, EndColumn));

    /// <summary>The smallest span that covers both.</summary>
    public SpecSpan To(SpecSpan end) =>
        end.Start + end.Length <= Start ? this : new(Start, end.Start + end.Length - Start, Line, Column, end.EndLine, end.EndColumn);
}
