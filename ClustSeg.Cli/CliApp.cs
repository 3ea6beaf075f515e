using System.CommandLine;
using ClustSeg.Cli.Commands;
using ClustSeg.Cli.Commands.Eval;
using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli;

/// <summary>Entry point of clustseg-cli: builds the command tree and runs it.</summary>
public static class CliApp
{
    /// <summary>
    /// When set, every device a command opens runs with the Khronos validation layer (synchronization validation
    /// included) and sends each message here instead of printing it: for hosts that must fail on any validation
    /// message, such as the test suite.
    /// </summary>
    public static Action<ValidationMessage>? ValidationSink { get; set; }

    /// <summary>The root command with every subcommand registered.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "ClustSeg: universal segmentation (superpixel, semantic, instance, panoptic) as clustering, " +
            "trained and run on any Vulkan GPU.\n\nStart with `clustseg-cli devices` to see what ClustSeg will run on.");
        root.Options.Add(GlobalOptions.Device);
        root.Options.Add(GlobalOptions.Validate);
        root.Subcommands.Add(DevicesCommand.Create());
        root.Subcommands.Add(InferCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(SynthCommand.Create());
        root.Subcommands.Add(Bench.BenchCommand.Create());
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(Commands.Train.TrainCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(PlotCommand.Create());
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        if (output is not null) config.Output = output;
        if (error is not null) config.Error = error;
        try
        {
            return Build().Parse(args).Invoke(config);
        }
        catch (ClustSegException e)
        {
            // Expected failures: say what went wrong and how to fix it, without a stack trace.
            var writer = error ?? Console.Error;
            writer.WriteLine($"error: {e.Problem}");
            if (e.Fix.Length > 0) writer.WriteLine($"  fix: {e.Fix}");
            return 2;
        }
        catch (DataFileException e)
        {
            // Broken or mismatched input files: the message names the file and the problem.
            (error ?? Console.Error).WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException)
        {
            // Missing folders, unwritable outputs, bad argument values: the message says which; no stack trace.
            var writer = error ?? Console.Error;
            writer.WriteLine($"error: {e.Message}");
            if (Environment.GetEnvironmentVariable("CLUSTSEG_DEBUG") == "1") writer.WriteLine(e);
            else writer.WriteLine("  (set CLUSTSEG_DEBUG=1 to see where it happened)");
            return 2;
        }
    }
}
