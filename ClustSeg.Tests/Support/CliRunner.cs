using System.Collections.Concurrent;
using ClustSeg.Cli;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Tests.Support;

/// <summary>
/// Runs clustseg-cli in process with the validation layer on for every device it opens; a validation message raised
/// during the run fails the calling test, as <see cref="VulkanTest"/> does for the kernel tests. Tests of several
/// classes run in parallel, so a message is reported by whichever run is checking when it arrives: it still fails the
/// suite, and the message names the Vulkan object at fault.
/// </summary>
public static class CliRunner
{
    private static readonly ConcurrentQueue<ValidationMessage> Messages = new();

    static CliRunner() => CliApp.ValidationSink = Messages.Enqueue;

    /// <summary><see cref="CliApp.Run"/> under validation; throws when the layer reported anything.</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var code = CliApp.Run(args, output, error);
        var reported = new List<ValidationMessage>();
        while (Messages.TryDequeue(out var message)) reported.Add(message);
        Assert.True(reported.Count == 0,
            $"clustseg-cli {string.Join(' ', args)} raised {reported.Count} validation message(s):\n" + string.Join("\n", reported.Select(m => m.ToString())));
        return code;
    }

    /// <summary><see cref="Run"/> with the output and error text captured.</summary>
    public static (int Code, string Output, string Error) Capture(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
