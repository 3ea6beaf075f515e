using System.Diagnostics;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Bench;

/// <summary>The result of timing one <see cref="KernelCase"/>; GFLOP/s for compute-bound kernels, GB/s otherwise.</summary>
/// <remarks>
/// <see cref="CpuMilliseconds"/> is the process CPU time per run: on a CPU device (lavapipe) shared with other work it
/// shows the kernel's cost independent of how much of the machine it got; on a GPU it is host overhead only.
/// </remarks>
internal sealed record BenchRecord(string Kernel, string Shape, string Device, string Timing, int Repeats, double Milliseconds,
    double CpuMilliseconds, double? Gflops, double? Gbps);

/// <summary>Times kernel cases: one warm-up run (pipeline creation, caches), then the median of repeated replays.</summary>
internal static class KernelBench
{
    public static BenchRecord Run(GpuDevice device, KernelCase kase, int repeats)
    {
        device.Scratch.Reset();
        var record = kase.Prepare(device);
        using var recorder = device.BeginRecording(profile: true);
        record(recorder);
        recorder.Submit(); // warm-up
        var times = new double[repeats];
        var cpu = new double[repeats];
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < repeats; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            recorder.Submit();
            var wall = clock.Elapsed.TotalMilliseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            // Device timestamps exclude submission overhead; without them, whole-submit wall time is the fallback.
            times[i] = recorder.Profiling ? recorder.Timings.Sum(t => t.Milliseconds) : wall;
        }
        Array.Sort(times);
        Array.Sort(cpu);
        var ms = times[repeats / 2];
        device.Scratch.Reset();
        return new BenchRecord(kase.Kernel, kase.Shape, device.Info.Name, recorder.Profiling ? "timestamps" : "submit wall time", repeats, ms, cpu[repeats / 2],
            kase.Flops > 0 ? kase.Flops / (ms * 1e6) : null,
            kase.Flops > 0 ? null : kase.Bytes / (ms * 1e6));
    }
}
