using System.Globalization;

namespace ClustSeg.Runtime.Data.Semantic;

/// <summary>The class names of a semantic segmentation dataset; class i is the label value i after mapping.</summary>
public sealed class SemanticClassList
{
    /// <summary>Creates a list from names (1 to 255 classes; 255 is the ignore label).</summary>
    public SemanticClassList(IReadOnlyList<string> names)
    {
        if (names.Count is < 1 or > 255) throw new ArgumentException($"A class list needs 1 to 255 names; got {names.Count}.", nameof(names));
        Names = names;
    }

    /// <summary>Class names by class id.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of classes.</summary>
    public int Count => Names.Count;

    /// <summary>The 21 Pascal VOC classes (0 = background).</summary>
    public static SemanticClassList Voc { get; } = new(
    [
        "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ]);

    /// <summary>The 19 Cityscapes evaluation classes in labelTrainIds order.</summary>
    public static SemanticClassList Cityscapes { get; } = new(
    [
        "road", "sidewalk", "building", "wall", "fence", "pole", "traffic light", "traffic sign", "vegetation", "terrain",
        "sky", "person", "rider", "car", "truck", "bus", "train", "motorcycle", "bicycle",
    ]);

    /// <summary>
    /// Reads ADE20K's objectInfo150 (the .csv "Idx,Ratio,Train,Val,Stuff,Name" or the tab-separated .txt); the name
    /// is the first synonym ("building;edifice" becomes "building"). Class i is ADE index i + 1.
    /// </summary>
    /// <exception cref="DataFileException">The file is missing or its rows are not 1..N in order.</exception>
    public static SemanticClassList ReadAde20kObjectInfo(string path)
    {
        if (!File.Exists(path)) throw new DataFileException(path, "ADE20K class file does not exist.");
        var separator = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ',' : '\t';
        var names = new List<string>();
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        for (var row = 1; row < lines.Count; row++)
        {
            var fields = lines[row].Split(separator);
            if (fields.Length < 2 || !int.TryParse(fields[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) || index != names.Count + 1)
                throw new DataFileException(path, $"line {row + 1} should start with class index {names.Count + 1}: \"{lines[row]}\".");
            names.Add(fields[^1].Trim().Split(';')[0].Trim());
        }
        return new SemanticClassList(names);
    }

    /// <summary>Reads a plain class list: one name per line, class 0 first.</summary>
    public static SemanticClassList ReadLines(string path)
    {
        if (!File.Exists(path)) throw new DataFileException(path, "class list file does not exist.");
        var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (names.Count is < 1 or > 255) throw new DataFileException(path, $"a class list needs 1 to 255 names; found {names.Count}.");
        return new SemanticClassList(names);
    }
}
