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
        var code = CliApp.Run(["synth", "--out", folder.Path, "--images", "12", "--size", "48", "--seed", "2", "--val-fraction", "0.25"], output, error);
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
    public void RejectsABadCount()
    {
        using var folder = new TempFolder();
        var error = new StringWriter();
        Assert.Equal(2, CliApp.Run(["synth", "--out", folder.Path, "--images", "0"], new StringWriter(), error));
        Assert.Contains("--images 0", error.ToString());
    }
}
