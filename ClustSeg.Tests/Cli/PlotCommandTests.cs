using ClustSeg.Tests.Support;
using ClustSeg.Cli;
using ClustSeg.Cli.Output.Plots;
using ClustSeg.Runtime.Training;

namespace ClustSeg.Tests.Cli;

public sealed class PlotCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-plotcmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteLog(int steps, string cutShortTail = "")
    {
        var path = Path.Combine(_dir, "train.jsonl");
        File.WriteAllText(path, string.Concat(PlotTests.SyntheticRun(steps).Select(r => TrainingLogFormat.FormatLine(r) + "\n")) + cutShortTail);
        return path;
    }

    [Fact]
    public void PlotsAGeneratedLogEndToEnd()
    {
        var log = WriteLog(300, cutShortTail: "{\"step\":301,\"epo");
        var png = Path.Combine(_dir, "out", "loss.png");
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["plot", "--log", log, "-o", png], output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("300 logged steps", output.ToString());
        Assert.Contains("warning:", error.ToString());
        Assert.Contains("line 301", error.ToString());
        var image = new PlotImageChecks(png);
        Assert.Equal((LossCurvePlot.Width, LossCurvePlot.Height), (image.Width, image.Height));
        Assert.True(image.ColouredPixels(100, 60, 960, 480) > 2000);
    }

    [Fact]
    public void ARunFolderMeansItsTrainJsonlAndTheDefaultOutputIsBesideIt()
    {
        WriteLog(20);
        var code = CliRunner.Run(["plot", "--log", _dir], new StringWriter(), new StringWriter());
        Assert.Equal(0, code);
        Assert.Equal(LossCurvePlot.Width, new PlotImageChecks(Path.Combine(_dir, "loss.png")).Width);
    }

    [Fact]
    public void ABrokenLogIsAnErrorNamingTheFileAndLineNotACrash()
    {
        var log = Path.Combine(_dir, "train.jsonl");
        File.WriteAllText(log, "not json\n");
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["plot", "--log", log], new StringWriter(), error));
        Assert.Contains(log, error.ToString());
        Assert.Contains("line 1", error.ToString());
    }

    [Fact]
    public void AnEmptyLogSaysThereIsNothingToPlotYet()
    {
        var log = Path.Combine(_dir, "train.jsonl");
        File.WriteAllText(log, "");
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["plot", "--log", log], new StringWriter(), error));
        Assert.Contains("no steps yet", error.ToString());
    }

    [Fact]
    public void HelpTeachesWhatIsPlottedAndGivesAnExample()
    {
        var output = new StringWriter();
        CliRunner.Run(["plot", "--help"], output, new StringWriter());
        var text = output.ToString();
        Assert.Contains("clustseg-cli plot --log runs/tiny/train.jsonl -o loss.png", text);
        Assert.Contains("moving average", text);
        Assert.Contains("learning rate", text);
    }
}
