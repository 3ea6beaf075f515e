using ClustSeg.Cli.Output;

namespace ClustSeg.Tests.Cli;

public sealed class ProgressBarTests
{
    [Theory]
    [InlineData(0, "00:00")]
    [InlineData(75, "01:15")]
    [InlineData(3599, "59:59")]
    [InlineData(3600 + 16 * 60 + 10, "1:16:10")] // printed "16:10" before: hours were dropped
    [InlineData(27 * 3600 + 5, "27:00:05")]
    public void DurationsKeepTheirHours(int seconds, string expected) =>
        Assert.Equal(expected, ProgressBar.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void RedirectedOutputPrintsTheLastItemWithItsCount()
    {
        var log = new StringWriter();
        new ProgressBar("eval", 3, log).Run(advance =>
        {
            for (var i = 0; i < 3; i++) advance($"item {i}");
        });
        Assert.Contains("eval 3/3 (100%) elapsed 00:00 eta 00:00 item 2", log.ToString());
    }
}
