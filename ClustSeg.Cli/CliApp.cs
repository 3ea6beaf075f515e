using System.CommandLine;

namespace ClustSeg.Cli;

/// <summary>Entry point of clustseg-cli: builds the command tree and runs it.</summary>
public static class CliApp
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        var root = new RootCommand("ClustSeg: universal segmentation as clustering, on any Vulkan GPU.");
        root.Options.Add(GlobalOptions.Device);
        root.Options.Add(GlobalOptions.Validate);
        root.Subcommands.Add(Bench.BenchCommand.Create());
        return root.Parse(args).Invoke();
    }
}
