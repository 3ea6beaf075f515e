using ClustSeg.Runtime.Recording;

namespace ClustSeg.Cli.Bench;

/// <summary>Prints `bench model` results: one line per step, memory, and the per-layer device-time table.</summary>
internal static class ModelBenchReport
{
    private const string Other = "(unattributed)";
    private const string OptimizerRow = "optimizer";
    private const string ParameterBlockPrefix = "parameters.";

    public static void Write(TextWriter output, ModelBenchResult result, int batch, int depth)
    {
        WriteStep(output, result.Forward, batch);
        if (result.Train is { } train) WriteStep(output, train, batch);
        output.WriteLine($"memory: persistent {MiB(result.PersistentBytes)} MiB (parameters, gradients{(result.Train is null ? "" : ", AdamW moments")}), " +
                         $"forward step {MiB(result.Forward.ScratchBytes)} MiB" +
                         (result.Train is { } t ? $", training step {MiB(t.ScratchBytes)} MiB" : "") +
                         $", peak in use {MiB(result.PersistentBytes + result.PeakScratchBytes)} MiB, reserved {MiB(result.ReservedBytes)} MiB");
        var profiled = result.Train?.Profile ?? result.Forward.Profile;
        if (profiled is not null) WriteProfile(output, profiled, result.ModulePaths, depth, result.Train is null ? "forward" : "training step");
    }

    private static void WriteStep(TextWriter output, StepTiming step, int batch)
    {
        output.WriteLine($"{step.Name}: median {step.Median:0.00} ms over {step.Repeats} replays (min {step.Milliseconds[0]:0.00}, max {step.Milliseconds[^1]:0.00}), " +
                         $"{batch * 1000.0 / step.Median:0.00} images/s, {step.MedianCpu:0.00} ms process CPU time; recording {step.RecordMilliseconds:0.00} ms on the host, " +
                         $"{step.Dispatches} dispatches, {step.Fills} fills, {step.Barriers} barriers, {step.Submits} submits" +
                         (step.Profile is null ? "" : $"; device time {step.Profile.Sum(p => p.Timing.Milliseconds):0.00} ms (timestamps)"));
    }

    private static void WriteProfile(TextWriter output, IReadOnlyList<(string Phase, DispatchTiming Timing)> profile, IReadOnlyList<string> modulePaths,
        int depth, string what)
    {
        // The optimizer's own tensors (the global gradient norm and its partial sums) get a row of their own, and so do
        // the dispatches over whole parameter blocks (the gradient zero fill and the AdamW update, ParameterBlock).
        var layers = new LayerResolver([.. modulePaths, OptimizerRow], depth);
        var rows = profile
            .GroupBy(p => layers.Resolve(p.Timing.Output.StartsWith(ParameterBlockPrefix, StringComparison.Ordinal) ? OptimizerRow + "." + p.Timing.Output : p.Timing.Output))
            .Select(g => (Layer: g.Key, Count: g.Count(),
                Forward: PhaseSum(g, ModelBench.ForwardPhase), Backward: PhaseSum(g, ModelBench.BackwardPhase), Update: PhaseSum(g, ModelBench.UpdatePhase)))
            .OrderByDescending(r => r.Forward + r.Backward + r.Update)
            .ToList();
        var total = profile.Sum(p => p.Timing.Milliseconds);
        output.WriteLine($"profile of the {what}: device time per layer from timestamp queries of the last replay, {total:0.00} ms in all");
        output.WriteLine($"{"layer",-48} {"forward ms",11} {"backward ms",12} {"update ms",10} {"commands",11} {"share",7}");
        foreach (var r in rows)
        {
            var sum = r.Forward + r.Backward + r.Update;
            output.WriteLine($"{r.Layer,-48} {r.Forward,11:0.000} {r.Backward,12:0.000} {r.Update,10:0.000} {r.Count,11} {100 * sum / Math.Max(total, 1e-12),6:0.0}%");
        }
        WriteKernelProfile(output, profile, total);
    }

    /// <summary>The same device time by shader: which kernels a speed-up of one shader would reach.</summary>
    private static void WriteKernelProfile(TextWriter output, IReadOnlyList<(string Phase, DispatchTiming Timing)> profile, double total)
    {
        const int shown = 15;
        var kernels = profile
            .GroupBy(p => p.Timing.Kernel.Split('/')[0])
            .Select(g => (Kernel: g.Key, Count: g.Count(), Milliseconds: g.Sum(d => d.Timing.Milliseconds)))
            .OrderByDescending(k => k.Milliseconds)
            .ToList();
        output.WriteLine($"device time per shader (the {Math.Min(shown, kernels.Count)} largest of {kernels.Count})");
        output.WriteLine($"{"shader",-48} {"ms",11} {"commands",11} {"share",7}");
        foreach (var k in kernels.Take(shown))
            output.WriteLine($"{k.Kernel,-48} {k.Milliseconds,11:0.000} {k.Count,11} {100 * k.Milliseconds / Math.Max(total, 1e-12),6:0.0}%");
    }

    private static double PhaseSum(IEnumerable<(string Phase, DispatchTiming Timing)> dispatches, string phase) =>
        dispatches.Where(d => d.Phase == phase).Sum(d => d.Timing.Milliseconds);

    private static string MiB(ulong bytes) => $"{bytes / (1024.0 * 1024.0):0.0}";

    /// <summary>
    /// Maps a written tensor's name to the layer that wrote it: the longest module path that is a dotted prefix of the
    /// name (layers name outputs <c>path.out</c>, gradients <c>path.dx</c>, parameter gradients <c>path.weight.grad</c>),
    /// cut to the first <c>depth</c> parts when depth is positive.
    /// </summary>
    internal sealed class LayerResolver(IReadOnlyList<string> modulePaths, int depth)
    {
        private readonly HashSet<string> _paths = new(modulePaths, StringComparer.Ordinal);
        private readonly Dictionary<string, string> _cache = new(StringComparer.Ordinal);

        public string Resolve(string tensorName)
        {
            if (_cache.TryGetValue(tensorName, out var known)) return known;
            var layer = Other;
            for (var end = tensorName.LastIndexOf('.'); end > 0; end = tensorName.LastIndexOf('.', end - 1))
            {
                if (!_paths.Contains(tensorName[..end])) continue;
                layer = tensorName[..end];
                break;
            }
            if (depth > 0 && layer != Other) layer = string.Join('.', layer.Split('.').Take(depth));
            _cache[tensorName] = layer;
            return layer;
        }
    }
}
