using System.Diagnostics;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Training;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Bench;

/// <summary>What `bench model` runs: input size, batch, timed replays, and whether to time training and profile.</summary>
internal sealed record ModelBenchSettings(int Size, int Batch, int Repeats, bool Train, bool Profile);

/// <summary>Timing of one recorded step (forward or training step) replayed <see cref="Repeats"/> times.</summary>
/// <param name="Name">What the step does.</param>
/// <param name="Milliseconds">Submit-to-finish wall times of the replays, sorted.</param>
/// <param name="CpuMilliseconds">Process CPU time of each replay, sorted: on lavapipe the device's own threads, so it shows the
/// step's cost independently of how much of a shared machine it got.</param>
/// <param name="RecordMilliseconds">Host time to record the step (pipelines already created), uploads excluded.</param>
/// <param name="Dispatches">Dispatches in the recording.</param>
/// <param name="Fills">Transfer fills in the recording (gradient zeroing).</param>
/// <param name="Barriers">Barriers in the recording.</param>
/// <param name="Submits">Queue submits per replay.</param>
/// <param name="ScratchBytes">Step-arena bytes the recording holds (activations, saved state, gradients, temporaries).</param>
/// <param name="Profile">Per-dispatch device times of the last replay with the phase of each, or null without profiling.</param>
internal sealed record StepTiming(string Name, double[] Milliseconds, double[] CpuMilliseconds, double RecordMilliseconds, int Dispatches, int Fills, int Barriers, int Submits,
    ulong ScratchBytes, IReadOnlyList<(string Phase, DispatchTiming Timing)>? Profile)
{
    public int Repeats => Milliseconds.Length;

    public double Median => Milliseconds[Milliseconds.Length / 2];

    public double MedianCpu => CpuMilliseconds[CpuMilliseconds.Length / 2];
}

/// <summary>The results of `bench model`, with the module paths that attribute profiled dispatches to layers.</summary>
internal sealed record ModelBenchResult(StepTiming Forward, StepTiming? Train, ulong PersistentBytes, ulong PeakScratchBytes, ulong ReservedBytes,
    IReadOnlyList<string> ModulePaths);

/// <summary>
/// Times a model: each step is recorded once to create its pipelines, recorded again (timed on the host), submitted
/// once as a warm-up, then replayed; a replay runs exactly the recorded device work, so its wall time is device time
/// plus one submit and wait.
/// </summary>
internal static class ModelBench
{
    public const string ForwardPhase = "forward";
    public const string BackwardPhase = "backward";
    public const string UpdatePhase = "update";

    public static ModelBenchResult Run(GpuDevice device, ClustSegModel model, ModelBenchSettings settings)
    {
        model.Initialize(device, seed: 0);
        // The optimizer the training loop uses, clipping by the global gradient norm included, so that the timed step is
        // the one `train` runs.
        var optimizer = settings.Train ? new AdamWOptimizer(device, model.Module, new AdamWSettings(LearningRate: 1e-4), maxGradientNorm: 1) : null;
        var forward = Time(device, settings, "forward", (context, image) =>
        {
            model.Forward(context, image);
            return new RecordedStep([], []);
        }, training: false);
        StepTiming? train = null;
        if (optimizer is not null)
        {
            train = Time(device, settings, "training step (forward + backward + clipping + AdamW)", (context, image) => RecordTrainingStep(context, model, image, optimizer),
                training: true);
        }
        var paths = model.Module.Modules().Select(m => m.Path).Where(p => p.Length > 0).ToArray();
        return new ModelBenchResult(forward, train, device.Persistent.BytesInUse, device.Scratch.PeakBytesInUse,
            device.Persistent.BytesReserved + device.Scratch.BytesReserved, paths);
    }

    /// <summary>Records one step.</summary>
    private delegate RecordedStep StepRecorder(ModuleContext context, Tensor image);

    /// <summary>
    /// What recording a step left to do: tensors it reads that are filled with random values after recording (so the
    /// host recording time excludes transfers), and for a training step the dispatch indices where forward, backward
    /// and the update begin.
    /// </summary>
    private sealed record RecordedStep(List<Tensor> Inputs, int[] PhaseStarts);

    private static StepTiming Time(GpuDevice device, ModelBenchSettings settings, string name, StepRecorder record, bool training)
    {
        device.Scratch.Reset();
        using (var warmup = device.BeginRecording())
        {
            record(Context(device, warmup, training), Image(device, settings));
        }
        device.Scratch.Reset();

        using var recorder = device.BeginRecording(settings.Profile);
        var image = Image(device, settings);
        var clock = Stopwatch.StartNew();
        var step = record(Context(device, recorder, training), image);
        var recordMs = clock.Elapsed.TotalMilliseconds;
        var scratchBytes = device.Scratch.BytesInUse;
        step.Inputs.Add(image);
        for (var i = 0; i < step.Inputs.Count; i++) device.Upload<float>(step.Inputs[i], RandomValues(step.Inputs[i].ElementCount, seed: i + 1));

        recorder.Submit(); // warm-up: first touches of memory, caches
        var times = new double[settings.Repeats];
        var cpu = new double[settings.Repeats];
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < times.Length; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            clock.Restart();
            recorder.Submit();
            times[i] = clock.Elapsed.TotalMilliseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        }
        Array.Sort(times);
        Array.Sort(cpu);
        var profile = recorder.Profiling ? Phases(recorder.Timings, step.PhaseStarts) : null;
        var timing = new StepTiming(name, times, cpu, recordMs, recorder.DispatchCount, recorder.FillCount, recorder.BarrierCount, recorder.CommandBufferCount, scratchBytes, profile);
        recorder.Dispose();
        device.Scratch.Reset();
        return timing;
    }

    private static ModuleContext Context(GpuDevice device, CommandRecorder recorder, bool training) =>
        training ? TrainingStep.TrainingContext(device, recorder) : TrainingStep.InferenceContext(device, recorder);

    private static Tensor Image(GpuDevice device, ModelBenchSettings s) => device.Scratch.Allocate("image", DType.F32, s.Batch, 3, s.Size, s.Size);

    /// <summary>
    /// Zero gradients, forward, backward from seeded gradients of every layer's class and mask logits, then the
    /// optimizer's update (global gradient norm, clipping and AdamW on every parameter).
    /// </summary>
    private static RecordedStep RecordTrainingStep(ModuleContext context, ClustSegModel model, Tensor image,
        AdamWOptimizer optimizer)
    {
        var seeds = new List<Tensor>();
        var recorder = context.Recorder;
        var forwardStart = 0;
        var backwardStart = 0;
        TrainingStep.Record(context, model.Module, c =>
        {
            forwardStart = recorder.CommandCount;
            var outputs = model.Forward(c, image);
            backwardStart = recorder.CommandCount;
            return outputs;
        }, (c, outputs) =>
        {
            Tensor Seed(Tensor output)
            {
                var seed = c.Scratch.Allocate(output.Name + ".grad", DType.F32, output.Shape.ToArray());
                seeds.Add(seed);
                return seed;
            }
            var dClass = outputs.ClassLogits.Select(t => (Tensor?)Seed(t)).ToArray();
            var dMask = outputs.MaskLogits.Select(t => (Tensor?)Seed(t)).ToArray();
            model.Backward(c, dClass, dMask);
        });
        var updateStart = recorder.CommandCount;
        optimizer.RecordUpdate(recorder, step: 1, learningRate: 1e-4);
        return new RecordedStep(seeds, [forwardStart, backwardStart, updateStart]);
    }

    private static List<(string, DispatchTiming)> Phases(IReadOnlyList<DispatchTiming> timings, int[] boundaries)
    {
        string PhaseOf(int index)
        {
            if (boundaries.Length == 0) return ForwardPhase;
            // Before the forward come the gradient zero fills: part of the optimizer's work, like torch's zero_grad.
            if (index < boundaries[0] || index >= boundaries[2]) return UpdatePhase;
            return index < boundaries[1] ? ForwardPhase : BackwardPhase;
        }
        return timings.Select((t, i) => (PhaseOf(i), t)).ToList();
    }

    private static float[] RandomValues(long count, int seed)
    {
        var rng = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }
}
