using ClustSeg.Runtime.Data.Bsds;
using ClustSeg.Runtime.Data.Matlab;
using StbImageWriteSharp;
using static ClustSeg.Tests.Data.TestMatWriter;

namespace ClustSeg.Tests.Data;

/// <summary>Error messages of the BSDS500 reader on small layouts built in a temporary folder.</summary>
public sealed class Bsds500LayoutErrorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clustseg-bsds-" + Guid.NewGuid().ToString("N"));

    public Bsds500LayoutErrorTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void WriteJpeg(string split, string id, int width, int height)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "images", split)).FullName;
        using var stream = File.Create(Path.Combine(folder, id + ".jpg"));
        new ImageWriter().WriteJpg(new byte[3 * width * height], width, height, ColorComponents.RedGreenBlue, stream, 90);
    }

    private string WriteGroundTruth(string split, string id, int width, int height, string variable = "groundTruth")
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "groundTruth", split)).FullName;
        var labels = Enumerable.Range(0, width * height).Select(i => (double)(1 + i % 2)).ToArray();
        var annotation = new TestMatStruct([1, 1], ["Segmentation", "Boundaries"],
        [
            new TestMatNumeric([height, width], ClassUInt16, MiUInt8, labels),
            new TestMatNumeric([height, width], ClassUInt8, MiUInt8, new double[width * height], Logical: true),
        ]);
        var path = Path.Combine(folder, id + ".mat");
        File.WriteAllBytes(path, Write([(variable, new TestMatCell([1, 1], [annotation]))], compress: true));
        return path;
    }

    [Fact]
    public void MissingRootAndMissingImagesFolder()
    {
        var absent = Path.Combine(_root, "nowhere");
        var error = Assert.Throws<DirectoryNotFoundException>(() => Bsds500Dataset.Open("bsds500:" + absent));
        Assert.Contains($"BSDS500 folder '{absent}' does not exist", error.Message);

        error = Assert.Throws<DirectoryNotFoundException>(() => Bsds500Dataset.Open(_root));
        Assert.Contains("has no 'images' folder", error.Message);
        Assert.Contains("ROOT/images/{train,val,test}/*.jpg", error.Message);
    }

    [Fact]
    public void ImageWithoutGroundTruthNamesTheMissingFile()
    {
        WriteJpeg("val", "1", 4, 3);
        WriteJpeg("val", "2", 4, 3);
        WriteGroundTruth("val", "1", 4, 3);
        var dataset = Bsds500Dataset.Open(_root);

        var error = Assert.Throws<FileNotFoundException>(() => dataset.ListSamples("val"));
        Assert.Contains("has no ground truth", error.Message);
        Assert.Contains(Path.Combine(_root, "groundTruth", "val", "2.mat"), error.Message);

        var lenient = dataset.ListSamples("val", requireGroundTruth: false);
        Assert.Equal(["1", "2"], lenient.Select(s => s.Id));
        Assert.Null(lenient[1].GroundTruthPath);
        Assert.Empty(Bsds500Dataset.Load(lenient[1]).Segmentations);
    }

    [Fact]
    public void MissingGroundTruthFolder()
    {
        WriteJpeg("train", "1", 4, 3);
        var error = Assert.Throws<DirectoryNotFoundException>(() => Bsds500Dataset.Open(_root).ListSamples("train"));
        Assert.Contains("has no ground-truth folder", error.Message);
    }

    [Fact]
    public void LoadsMatchingSampleAndRejectsMismatchedSizes()
    {
        WriteJpeg("val", "good", 4, 3);
        WriteGroundTruth("val", "good", 4, 3);
        WriteJpeg("val", "bad", 4, 3);
        WriteGroundTruth("val", "bad", 3, 4);
        var samples = Bsds500Dataset.Open(_root).ListSamples("val");

        var good = Bsds500Dataset.Load(samples.Single(s => s.Id == "good"));
        var map = Assert.Single(good.Segmentations);
        Assert.Equal((4, 3), (map.Width, map.Height));
        // Column-major 1,2,1,2,... over a 3-row image: row y, column x holds 1 + (y + 3x) % 2.
        Assert.Equal([1, 2, 1, 2, 2, 1, 2, 1, 1, 2, 1, 2], map.Labels);

        var error = Assert.Throws<InvalidDataException>(() => Bsds500Dataset.Load(samples.Single(s => s.Id == "bad")));
        Assert.Contains("annotator 1's segmentation is 3x4 but image", error.Message);
        Assert.Contains("bad.jpg' is 4x3", error.Message);
    }

    [Fact]
    public void GroundTruthWithoutTheVariableNamesFileAndVariables()
    {
        var path = WriteGroundTruth("val", "x", 4, 3, variable: "labels");
        var error = Assert.Throws<MatFileException>(() => Bsds500GroundTruth.ReadSegmentations(path));
        Assert.Equal($"MAT file '{path}': has no variable 'groundTruth' (variables: labels)", error.Message);
    }

    [Fact]
    public void UnknownSplitName()
    {
        WriteJpeg("val", "1", 4, 3);
        var error = Assert.Throws<ArgumentException>(() => Bsds500Dataset.Open(_root).ListSamples("validation"));
        Assert.Contains("Unknown BSDS500 split 'validation'; use one of train, val, test", error.Message);
    }
}
