using System.Globalization;
using System.Text.RegularExpressions;
using ClustSeg.Cli;
using ClustSeg.Runtime.Models;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Cli;

[Collection(VulkanCollection.Name)]
public sealed partial class BenchModelCommandTests
{
    [Fact]
    public void TrainingBenchReportsTimesMemoryAndAProfileCoveringEveryDispatch()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["bench", "model", "--size", "64", "--repeats", "1", "--train", "--profile", "--classes", "5", "--things", "2"], output, error);
        Assert.True(code == 0, error.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries);

        var forward = Step(lines, "forward: ");
        var train = Step(lines, "training step (forward + backward + clipping + AdamW): ");
        foreach (var step in new[] { forward, train })
        {
            Assert.True(step.Milliseconds > 0 && step.RecordMilliseconds > 0);
            Assert.Equal(1000 / step.Milliseconds, step.ImagesPerSecond, 0.01 * step.ImagesPerSecond + 0.01);
        }
        Assert.True(train.Dispatches > 2 * forward.Dispatches, "backward and the update add more dispatches than the forward has");

        // Persistent memory holds at least value, gradient and both AdamW moments of every parameter.
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Panoptic, ["a", "b", "c", "d", "e"], 2);
        var parameterMiB = model.Module.Parameters().Sum(p => p.ElementCount) * 4.0 / (1024 * 1024);
        var memory = MemoryLine().Match(lines.Single(l => l.StartsWith("memory: ", StringComparison.Ordinal)));
        Assert.True(memory.Success, "memory line format");
        Assert.InRange(Number(memory.Groups["persistent"]), 4 * parameterMiB - 0.05, 4 * parameterMiB * 1.2);
        Assert.True(Number(memory.Groups["reserved"]) >= Number(memory.Groups["peak"]));

        var header = Array.FindIndex(lines, l => l.StartsWith("layer ", StringComparison.Ordinal));
        Assert.True(header > 0, "profile table header");
        var shaderTitle = Array.FindIndex(lines, l => l.StartsWith("device time per shader", StringComparison.Ordinal));
        Assert.True(shaderTitle > header, "the per-shader table follows the per-layer one");
        var rows = lines[(header + 1)..shaderTitle].Where(l => l.Length > 0).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var shaders = lines[(shaderTitle + 2)..].Where(l => l.Length > 0).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.InRange(shaders.Count, 1, 15);
        Assert.Contains(shaders, r => r[0] == "adamw");
        Assert.Equal(shaders.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)).OrderDescending(), shaders.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)));
        Assert.Equal(train.Dispatches + train.Fills, rows.Sum(r => int.Parse(r[4], CultureInfo.InvariantCulture)));
        Assert.DoesNotContain(rows, r => r[0] == "(unattributed)");
        var convRow = rows.Single(r => r[0] == "backbone.stem.conv1");
        Assert.All(convRow.Skip(1).Take(2), v => Assert.True(double.Parse(v, CultureInfo.InvariantCulture) > 0, "conv1 has forward and backward work"));
        // The parameters live in flat blocks (ParameterBlock): the gradient fill and AdamW run over whole blocks, in the
        // optimizer's row.
        var optimizerRow = rows.Single(r => r[0] == "optimizer");
        Assert.True(double.Parse(optimizerRow[3], CultureInfo.InvariantCulture) > 0, "the optimizer row has the update");
    }

    [Fact]
    public void ASizeThatIsNotAMultipleOf32IsAClearError()
    {
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["bench", "model", "--size", "100"], new StringWriter(), error));
        Assert.Contains("--size 128", error.ToString());
    }

    private static (double Milliseconds, double ImagesPerSecond, double RecordMilliseconds, int Dispatches, int Fills) Step(string[] lines, string prefix)
    {
        var match = StepLine().Match(lines.Single(l => l.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.True(match.Success, $"format of the '{prefix}' line");
        return (Number(match.Groups["ms"]), Number(match.Groups["ips"]), Number(match.Groups["record"]),
            int.Parse(match.Groups["dispatches"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["fills"].Value, CultureInfo.InvariantCulture));
    }

    private static double Number(Group group) => double.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"median (?<ms>[\d.]+) ms over 1 replays .*?, (?<ips>[\d.]+) images/s, [\d.]+ ms process CPU time; recording (?<record>[\d.]+) ms on the host, (?<dispatches>\d+) dispatches, (?<fills>\d+) fills")]
    private static partial Regex StepLine();

    [GeneratedRegex(@"persistent (?<persistent>[\d.]+) MiB .* peak in use (?<peak>[\d.]+) MiB, reserved (?<reserved>[\d.]+) MiB")]
    private static partial Regex MemoryLine();
}
