using ClustSeg.Cli;
using ClustSeg.Cli.Output.Plots;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Cli;

[Collection(VulkanCollection.Name)]
public sealed class EvalSuperpixelPlotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-evalplot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void EvalWritesTheAsaAndBrPlotNextToItsTable()
    {
        var data = SharedData.Require("bsds500");
        if (data is null) return;
        var png = Path.Combine(_dir, "plots", "sp.png");
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["eval", "--task", "superpixel", "--data", "bsds500:" + data, "--split", "val", "--limit", "1", "-k", "100,400", "--plot", png],
            output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains($"wrote {png}", output.ToString());
        var image = new PlotImageChecks(png);
        Assert.Equal((SuperpixelCurvePlot.Width, SuperpixelCurvePlot.Height), (image.Width, image.Height));
        var half = SuperpixelCurvePlot.Width / 2;
        Assert.True(image.ColouredPixels(90, 50, half - 30, 460) > 200, "ASA panel has no coloured curve");
        Assert.True(image.ColouredPixels(half + 90, 50, SuperpixelCurvePlot.Width - 30, 460) > 200, "BR panel has no coloured curve");
    }
}
