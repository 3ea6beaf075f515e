using System.Diagnostics;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Training;

/// <summary>How a call to <see cref="TrainingLoop{TBatch}.Run"/> ended.</summary>
public enum TrainingEnd
{
    /// <summary>Every step of the schedule ran; the final model was written.</summary>
    Completed,

    /// <summary>Stopped on request (Ctrl-C) after a whole step; a checkpoint was written to resume from.</summary>
    Interrupted,
}

/// <summary>The result of a training run.</summary>
/// <param name="End">Completed or interrupted.</param>
/// <param name="Step">Steps done in all.</param>
/// <param name="CheckpointPath">The training checkpoint to resume from.</param>
/// <param name="ModelPath">The final model (null when interrupted).</param>
public sealed record TrainingOutcome(TrainingEnd End, int Step, string CheckpointPath, string? ModelPath);

/// <summary>
/// The training loop every task shares: per step, reset scratch memory, take a batch, record zeroed gradients, the
/// objective's forward/loss/backward, gradient clipping and the AdamW update with the scheduled learning rate; submit
/// once (with the weight average's update, where the run keeps one); read the loss terms; log a JSONL line; every N
/// steps write a training checkpoint atomically. A stop request
/// (Ctrl-C) is honoured between steps with a checkpoint, so nothing is lost; a non-finite loss stops the run before its
/// step reaches any checkpoint.
/// </summary>
/// <typeparam name="TBatch">What one step consumes.</typeparam>
public sealed class TrainingLoop<TBatch>
{
    private const int ThroughputWindow = 20;
    private readonly GpuDevice _device;
    private readonly ITrainingObjective<TBatch> _objective;
    private readonly AdamWOptimizer _optimizer;
    private readonly TrainingLoopOptions _options;
    private readonly WeightAverage? _average;

    /// <summary>
    /// A loop for <paramref name="objective"/> (model allocated and initialised or loaded) and its optimizer; with
    /// <paramref name="average"/>, the final model holds the averaged weights (the training checkpoint keeps both).
    /// </summary>
    public TrainingLoop(GpuDevice device, ITrainingObjective<TBatch> objective, AdamWOptimizer optimizer, TrainingLoopOptions options,
        WeightAverage? average = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _device = device;
        _objective = objective;
        _optimizer = optimizer;
        _options = options;
        _average = average;
    }

    /// <summary>Raised after every step with its log record (already written to the JSONL log).</summary>
    public event Action<TrainingLogRecord>? StepCompleted;

    /// <summary>Raised after a training checkpoint was written (path, step).</summary>
    public event Action<string, int>? CheckpointWritten;

    /// <summary>
    /// Trains from <paramref name="start"/> (step 0 for a new run, or a loaded checkpoint's state) to the schedule's
    /// last step, taking batches from <paramref name="source"/> (positioned at <paramref name="start"/>'s cursor).
    /// </summary>
    /// <exception cref="ClustSegException">The loss became NaN or infinite; the last checkpoint on disk is intact.</exception>
    public TrainingOutcome Run(ITrainingBatchSource<TBatch> source, TrainingState start, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(start);
        var total = _options.Schedule.TotalSteps;
        if (start.Step > total)
            throw new ClustSegException($"The checkpoint is at step {start.Step}, past the run's {total} steps.", $"Ask for more steps than {start.Step} with --steps.");
        Directory.CreateDirectory(_options.RunDirectory);
        using var log = new TrainingLogWriter(_options.LogPath, start.Step);
        var clock = Stopwatch.StartNew();
        var recent = new Queue<double>();
        var step = start.Step;
        var savedStep = start.Step;
        while (step < total)
        {
            if (stop.IsCancellationRequested)
            {
                if (savedStep != step || !File.Exists(_options.CheckpointPath)) SaveCheckpoint(source, start, clock, step);
                return new TrainingOutcome(TrainingEnd.Interrupted, step, _options.CheckpointPath, null);
            }
            var stepClock = Stopwatch.StartNew();
            step++;
            var learningRate = _options.Schedule.RateAt(step);
            var losses = RunStep(source.Next(), step, learningRate);
            var gradientNorm = _device.Download<float>(_optimizer.GradientNorm)[0];
            var totalLoss = losses.Sum(l => l.Weight * l.Value);
            if (!double.IsFinite(totalLoss))
            {
                throw new ClustSegException(
                    $"The loss became {totalLoss} at step {step} ({string.Join(", ", losses.Select(l => $"{l.Name} {l.Value}"))}); the weights are no longer usable. " +
                    $"The checkpoint of step {savedStep} on disk is intact.",
                    savedStep > 0 ? $"Resume from {_options.CheckpointPath} with a lower --lr or a longer --warmup." : "Start again with a lower --lr or a longer --warmup.");
            }
            recent.Enqueue(stepClock.Elapsed.TotalSeconds);
            if (recent.Count > ThroughputWindow) recent.Dequeue();
            var record = new TrainingLogRecord(step, Epoch(source), learningRate, totalLoss,
                losses.ToDictionary(l => l.Name, l => (double)l.Value), gradientNorm,
                _options.ImagesPerStep * recent.Count / recent.Sum(), start.ElapsedSeconds + clock.Elapsed.TotalSeconds, DateTimeOffset.UtcNow);
            log.Append(record);
            StepCompleted?.Invoke(record);
            if (step % _options.CheckpointEvery == 0 || step == total)
            {
                SaveCheckpoint(source, start, clock, step);
                savedStep = step;
            }
        }
        WriteModel(_options.ModelPath);
        return new TrainingOutcome(TrainingEnd.Completed, step, _options.CheckpointPath, _options.ModelPath);
    }

    /// <summary>
    /// Writes the model as the run would end with it now (atomically): the averaged weights where the run keeps an
    /// average, else the weights themselves; buffers as trained. Call it between steps, e.g. from
    /// <see cref="CheckpointWritten"/> to validate the model of that step.
    /// </summary>
    /// <param name="path">The safetensors file to write.</param>
    /// <param name="extraMetadata">Header metadata to add to the model's own (e.g. the step it was taken at).</param>
    public void WriteModel(string path, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var metadata = new Dictionary<string, string>(_objective.CheckpointMetadata);
        // Says where the weights came from, for whoever loads the model later.
        if (_average is not null) metadata[WeightAverage.MetadataKey] = _average.Decay.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (extraMetadata is not null)
            foreach (var (key, value) in extraMetadata) metadata[key] = value;
        if (_average is null) Checkpoint.Save(_objective.Model, _device, path, metadata);
        else SafetensorsFile.Write(path, _average.ModelTensors(_device, _objective.Model), metadata);
    }

    private List<(string Name, float Weight, float Value)> RunStep(TBatch batch, int step, double learningRate)
    {
        _device.Scratch.Reset();
        var recorder = _device.BeginRecording();
        TrainingStepRecording? recording = null;
        try
        {
            ModuleState.ZeroGradients(_objective.Model, recorder);
            recording = _objective.RecordStep(_device, recorder, batch);
            var pending = _objective.Model.Modules().Where(m => m.SavedStateDepth > 0).Select(m => m.Path).ToList();
            if (pending.Count > 0)
            {
                _objective.Model.ClearSavedState();
                throw new InvalidOperationException($"The objective left Forward state in {string.Join(", ", pending)}: its Backward did not run once per Forward.");
            }
            _optimizer.RecordUpdate(recording.Recorder, step, learningRate);
            _average?.RecordUpdate(recording.Recorder, step);
            recording.Recorder.Submit();
            return recording.Losses.Select(l => (l.Name, l.Weight, _device.Download<float>(l.Value)[0])).ToList();
        }
        finally
        {
            recording?.Recorder.Dispose();
            recorder.Dispose();
        }
    }

    private double Epoch(ITrainingBatchSource<TBatch> source) => source.Cursor.Epoch + source.Cursor.Position / (double)Math.Max(1, source.SamplesPerEpoch);

    private void SaveCheckpoint(ITrainingBatchSource<TBatch> source, TrainingState start, Stopwatch clock, int step)
    {
        var state = new TrainingState(step, source.Cursor, start.ElapsedSeconds + clock.Elapsed.TotalSeconds, _options.Settings);
        TrainingCheckpoint.Save(_options.CheckpointPath, _device, _objective.Model, _optimizer, _objective.CheckpointMetadata, state, _average);
        CheckpointWritten?.Invoke(_options.CheckpointPath, step);
    }
}
