using ClustSeg.Tests.Support;
using System.Text.Json;

namespace ClustSeg.Tests.Cli;

public sealed class BenchCommandTests
{
    [Fact]
    public void QuickKernelBenchWritesOneRateRecordPerKernelAndShape()
    {
        var json = Path.Combine(Path.GetTempPath(), $"clustseg-bench-{Guid.NewGuid():N}.json");
        try
        {
            var code = CliRunner.Run(["bench", "kernels", "--quick", "--repeats", "1", "--json", json]);
            Assert.Equal(0, code);
            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var records = document.RootElement.EnumerateArray().ToList();
            Assert.True(records.Count >= 12, $"only {records.Count} records");
            var keys = records.Select(r => (r.GetProperty("kernel").GetString(), r.GetProperty("shape").GetString())).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
            foreach (var r in records)
            {
                var hasFlops = r.TryGetProperty("gflops", out var gflops);
                var hasBytes = r.TryGetProperty("gbps", out var gbps);
                Assert.True(hasFlops ^ hasBytes, $"{r}: exactly one of gflops and gbps");
                Assert.True((hasFlops ? gflops : gbps).GetDouble() > 0, $"{r}: the rate must be positive");
                Assert.True(r.GetProperty("milliseconds").GetDouble() > 0);
            }
            Assert.Contains(records, r => r.GetProperty("kernel").GetString() == "conv2d_depthwise_forward" && r.TryGetProperty("gbps", out _));
            Assert.Contains(records, r => r.GetProperty("kernel").GetString()!.StartsWith("matmul", StringComparison.Ordinal) && r.TryGetProperty("gflops", out _));
        }
        finally
        {
            File.Delete(json);
        }
    }
}
