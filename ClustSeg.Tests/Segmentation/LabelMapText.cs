using ClustSeg.Runtime.Segmentation;

namespace ClustSeg.Tests.Segmentation;

/// <summary>Builds small label maps from text: one string per row, one character per pixel, the character is the label.</summary>
internal static class LabelMapText
{
    public static LabelMap Parse(params string[] rows)
    {
        var width = rows[0].Length;
        if (rows.Any(r => r.Length != width)) throw new ArgumentException("rows differ in length");
        return new LabelMap(width, rows.Length, rows.SelectMany(r => r.Select(c => (int)c)).ToArray());
    }

    /// <summary>Renders contiguous labels 0..9 as digits, for readable assertions.</summary>
    public static string[] Render(LabelMap map) =>
        Enumerable.Range(0, map.Height)
            .Select(y => string.Concat(Enumerable.Range(0, map.Width).Select(x => (char)('0' + map[y, x]))))
            .ToArray();
}
