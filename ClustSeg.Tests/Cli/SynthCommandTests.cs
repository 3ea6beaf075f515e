using ClustSeg.Tests.Support;
using ClustSeg.Cli;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Tests.Data;

namespace ClustSeg.Tests.Cli;

public sealed class SynthCommandTests
{
    [Fact]
    public void WritesATrainableDatasetInAllFormats()
    {
        using var folder = new TempFolder();
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["synth", "--out", folder.Path, "--images", "12", "--size", "48", "--seed", "2", "--val-fraction", "0.25"], output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("9 train + 3 val", output.ToString());
        foreach (var spec in new[] { $"synth:{folder.Path}", $"coco-instances:{Path.Combine(folder.Path, "train")}", $"semantic:{Path.Combine(folder.Path, "train")}" })
        {
            var set = TrainingDataset.Open(spec);
            set.Validate();
            Assert.Equal(9, set.Count);
            Assert.Equal(48, set.Load(0).Image.Width);
        }
    }

    [Fact]
    public void RegeneratingReplacesAnEarlierRunButLeavesOtherFoldersAlone()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, CliRunner.Run(["synth", "--out", folder.Path, "--images", "10", "--size", "32"], new StringWriter(), new StringWriter()));
        Assert.Equal(0, CliRunner.Run(["synth", "--out", folder.Path, "--images", "4", "--size", "32", "--val-fraction", "0.5"], new StringWriter(), new StringWriter()));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(folder.Path, "train", "semantic")).Length);
        Assert.Equal(2, TrainingDataset.Open($"semantic:{Path.Combine(folder.Path, "train")}").Count);

        using var other = new TempFolder();
        var precious = other.File("train/images/mine.jpg", "user data");
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["synth", "--out", other.Path, "--images", "4"], new StringWriter(), error));
        Assert.Contains("not a generated dataset", error.ToString());
        Assert.True(File.Exists(precious));
    }

    [Fact]
    public void RejectsABadCount()
    {
        using var folder = new TempFolder();
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["synth", "--out", folder.Path, "--images", "0"], new StringWriter(), error));
        Assert.Contains("--images 0", error.ToString());
    }
}
