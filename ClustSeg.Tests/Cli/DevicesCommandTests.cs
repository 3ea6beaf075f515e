using ClustSeg.Cli;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Cli;

[Collection(VulkanCollection.Name)]
public class DevicesCommandTests
{
    [Fact]
    public void ListsTheDeviceMarksTheChoiceAndVerifiesADispatch()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["devices", "--check"], output, error);
        Assert.True(code == 0, error.ToString());
        var text = output.ToString();
        Assert.Matches(@"\* 0: ", text);
        Assert.Contains("subgroup", text);
        Assert.Contains("check: ok", text);
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Contains("llvmpipe", text);
    }

    [Fact]
    public void AnUnknownDeviceIsAnErrorWithAFixNotACrash()
    {
        var error = new StringWriter();
        var code = CliRunner.Run(["devices", "--device", "no-such-gpu"], new StringWriter(), error);
        Assert.Equal(2, code);
        Assert.Contains("error: No Vulkan device name contains 'no-such-gpu'", error.ToString());
        Assert.Contains("fix:", error.ToString());
    }

    [Fact]
    public void HelpTeachesTheDeviceChoice()
    {
        var output = new StringWriter();
        CliRunner.Run(["devices", "--help"], output, new StringWriter());
        Assert.Contains("CLUSTSEG_DEVICE", output.ToString());
        Assert.Contains("--check", output.ToString());
    }
}
