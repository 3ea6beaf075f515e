using System.Text;

namespace ClustSeg.Generators.Helpers;

/// <summary>Builds C# source text with consistent four-space indentation.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder builder = new();
    private int depth;

    public void Line(string text = "")
    {
        if (text.Length > 0) builder.Append(' ', depth * 4).Append(text);
        builder.Append('\n');
    }

    public void Open(string header)
    {
        if (header.Length > 0) Line(header);
        Line("{");
        depth++;
    }

    public void Close(string suffix = "")
    {
        depth--;
        Line("}" + suffix);
    }

    public void Indent() => depth++;

    public void Unindent() => depth--;

    public override string ToString() => builder.ToString();
}
