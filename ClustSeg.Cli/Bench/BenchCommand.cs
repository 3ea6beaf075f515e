using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Bench;

/// <summary>`clustseg-cli bench kernels`: times each kernel on the chosen device and prints GFLOP/s or GB/s.</summary>
public static class BenchCommand
{
    private static readonly Option<FileInfo?> Json = new("--json")
    {
        Description = "Also write the results as JSON: one record per (kernel, shape) with `gflops` or `gbps`.",
    };

    private static readonly Option<int> Repeats = new("--repeats")
    {
        Description = "Timed runs per kernel after one warm-up; the median is reported.",
        DefaultValueFactory = _ => 5,
    };

    private static readonly Option<string?> Filter = new("--filter")
    {
        Description = "Only kernels whose name contains this text (e.g. matmul, conv2d).",
    };

    private static readonly Option<bool> Quick = new("--quick")
    {
        Description = "Small sizes only: a smoke test of every kernel in seconds (rates are not representative).",
    };

    /// <summary>The `bench` command with its `kernels` and `model` subcommands.</summary>
    public static Command Create()
    {
        var kernels = new Command("kernels",
            "Time each compute kernel on the chosen device (one warm-up, median of --repeats runs, device timestamps where " +
            "supported) and print GFLOP/s or GB/s per kernel and size.");
        kernels.Options.Add(Json);
        kernels.Options.Add(Repeats);
        kernels.Options.Add(Filter);
        kernels.Options.Add(Quick);
        kernels.SetAction(parse => RunKernels(parse, parse.InvocationConfiguration.Output));
        var bench = new Command("bench", "Benchmarks.");
        bench.Subcommands.Add(kernels);
        bench.Subcommands.Add(ModelBenchCommand.Create());
        return bench;
    }

    private static int RunKernels(ParseResult parse, TextWriter output)
    {
        var repeats = Math.Max(1, parse.GetValue(Repeats));
        var filter = parse.GetValue(Filter);
        using var device = GlobalOptions.OpenDevice(parse);
        output.WriteLine($"device: {device.Info.Summary}");
        output.WriteLine($"{"kernel",-28} {"shape",-30} {"ms",10} {"rate",16} {"cpu ms",10} {"per cpu-s",16}");
        var records = new List<BenchRecord>();
        foreach (var kase in KernelCases.All(device, parse.GetValue(Quick)))
        {
            if (filter is not null && !kase.Kernel.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            var r = KernelBench.Run(device, kase, repeats);
            records.Add(r);
            var rate = r.Gflops is { } g ? $"{g,8:0.0} GFLOP/s" : $"{r.Gbps,8:0.0} GB/s";
            var perCpu = (r.Gflops ?? r.Gbps ?? 0) * r.Milliseconds / Math.Max(r.CpuMilliseconds, 1e-9);
            output.WriteLine($"{r.Kernel,-28} {r.Shape,-30} {r.Milliseconds,10:0.000} {rate,16} {r.CpuMilliseconds,10:0.0} {perCpu,10:0.0} {(r.Gflops is null ? "GB" : "GFLOP")}");
        }
        if (parse.GetValue(Json) is { } file)
        {
            var options = new JsonSerializerOptions
            {
                WriteIndented = true,
                PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            };
            File.WriteAllText(file.FullName, JsonSerializer.Serialize(records, options));
            output.WriteLine($"wrote {records.Count} records to {file.FullName}");
        }
        return 0;
    }
}
