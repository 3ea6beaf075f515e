using System.Globalization;
using System.Runtime.InteropServices;
using ClustSeg.Cli.Output;
using ClustSeg.Cli.Output.Plots;
using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Training;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Commands.Train;

/// <summary>
/// Runs a training loop for any task from the command line: fresh start, --init weights or --resume, a progress bar with
/// loss, images/s and ETA, Ctrl-C (and SIGTERM) stopping after the current step with a checkpoint, and the loss curve
/// redrawn with every checkpoint.
/// </summary>
internal static class TrainRun
{
    /// <summary>Settings that may differ when resuming; any other difference is refused.</summary>
    private static readonly HashSet<string> ChangeableOnResume = ["steps", "checkpoint_every"];

    public static int Execute<TBatch>(GpuDevice device, ITrainingObjective<TBatch> objective, TrainOptions options,
        Func<TrainingDataCursor, ITrainingBatchSource<TBatch>> openSource, int imagesPerStep, TextWriter output, TextWriter error,
        TrainingValidation? validation = null)
    {
        var optimizer = new AdamWOptimizer(device, objective.Model, new AdamWSettings(options.LearningRate, WeightDecay: options.WeightDecay), options.ClipNorm);
        var loopOptions = new TrainingLoopOptions
        {
            Schedule = new LearningRateSchedule(options.LearningRate, options.WarmupSteps, options.Steps),
            RunDirectory = options.RunDirectory,
            CheckpointEvery = options.CheckpointEvery,
            ImagesPerStep = imagesPerStep,
            Settings = options.Settings,
        };
        var average = options.WeightAverageDecay is { } decay ? new WeightAverage(device, objective.Model, decay) : null;
        var start = Start(device, objective, optimizer, average, options, loopOptions, output);
        if (start.Step >= options.Steps)
        {
            output.WriteLine($"{loopOptions.CheckpointPath} is already at step {start.Step} of {options.Steps}; nothing to do (raise --steps to train longer).");
            return 0;
        }
        if (average is not null) output.WriteLine($"averaging the weights (decay {average.Decay:R}); model.safetensors will hold the average");
        var loop = new TrainingLoop<TBatch>(device, objective, optimizer, loopOptions, average);
        using var stop = new CancellationTokenSource();
        if (validation is not null)
        {
            output.WriteLine($"validating every {validation.Every} steps and at the end ({validation.Metric}); log: {Path.Combine(options.RunDirectory, TrainingValidation.LogFileName)}");
            if (validation.Start(start.Step)) Validate(validation, loop, start.Step, output, error);
            // A stop request skips the validation; the resumed run does it first.
            loop.CheckpointWritten += (_, step) =>
            {
                if (validation.IsDue(step) && !stop.IsCancellationRequested) Validate(validation, loop, step, output, error);
            };
        }
        // After the validation, so that the plot shows it.
        loop.CheckpointWritten += (_, _) => WriteLossPlot(loopOptions, error);
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            if (stop.IsCancellationRequested) return; // a second Ctrl-C ends the process; the last checkpoint is intact
            e.Cancel = true;
            stop.Cancel();
            error.WriteLine("\nstopping after this step and writing a checkpoint (Ctrl-C again to quit at once)...");
        };
        Console.CancelKeyPress += onCtrlC;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        TrainingOutcome? outcome = null;
        try
        {
            new ProgressBar("train", options.Steps - start.Step, error).Run(advance =>
            {
                loop.StepCompleted += record => advance(Status(record, options.Steps, validation));
                outcome = loop.Run(openSource(start.Cursor), start, stop.Token);
            });
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
        WriteLossPlot(loopOptions, error);
        if (outcome!.End == TrainingEnd.Interrupted)
        {
            output.WriteLine($"interrupted at step {outcome.Step}; checkpoint: {outcome.CheckpointPath}");
            output.WriteLine($"resume with the same command and --resume");
            return 130;
        }
        output.WriteLine($"trained {outcome.Step} steps; model: {outcome.ModelPath}; training checkpoint: {outcome.CheckpointPath}; log: {loopOptions.LogPath}");
        if (validation?.Best is { } best)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"best validation: {validation.Metric} {100 * best.Value:0.00} at step {best.Step}, {Path.Combine(options.RunDirectory, TrainingValidation.BestFileName)}"));
        return 0;
    }

    /// <summary>One validation; a failure (a file gone missing, a full disk) is reported and training goes on.</summary>
    private static void Validate<TBatch>(TrainingValidation validation, TrainingLoop<TBatch> loop, int step, TextWriter output, TextWriter error)
    {
        try
        {
            output.WriteLine(validation.Summary(validation.Run(step, (path, metadata) => loop.WriteModel(path, metadata))));
        }
        catch (Exception e) when (e is ClustSegException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            error.WriteLine($"warning: the validation at step {step} failed, training goes on: {e.Message}");
        }
    }

    private static TrainingState Start<TBatch>(GpuDevice device, ITrainingObjective<TBatch> objective, AdamWOptimizer optimizer, WeightAverage? average, TrainOptions options,
        TrainingLoopOptions loopOptions, TextWriter output)
    {
        var checkpoint = loopOptions.CheckpointPath;
        if (options.Resume)
        {
            if (!File.Exists(checkpoint))
                throw new ClustSegException($"--resume found no training checkpoint at {checkpoint}.", "Give --output the run folder of the run to resume, or drop --resume to start a new run.");
            var saved = TrainingCheckpoint.ReadState(checkpoint);
            // The weights come from the run's checkpoint, so --init may be given as the run started (the interrupted
            // run's message says to repeat its command) or left out; a different --init is a different run.
            var differences = saved.DifferencesFrom(options.Settings, options.InitFrom is null ? [.. ChangeableOnResume, "init"] : ChangeableOnResume);
            if (differences.Count > 0)
            {
                throw new ClustSegException(
                    $"The run in {options.RunDirectory} was started with other settings, so resuming would not continue it:\n  " + string.Join("\n  ", differences),
                    "Resume with the settings the run started with, or start a new run in another --output folder.");
            }
            var state = TrainingCheckpoint.Load(checkpoint, device, objective.Model, optimizer, average);
            output.WriteLine($"resuming {options.RunDirectory} at step {state.Step} (epoch {state.Cursor.Epoch}, {state.ElapsedSeconds / 60:0.0} min trained so far)");
            return state;
        }
        if (File.Exists(checkpoint))
        {
            throw new ClustSegException($"{options.RunDirectory} already holds a training run ({checkpoint}); starting again would overwrite it.",
                "Add --resume to continue it, or choose another --output folder.");
        }
        if (options.InitFrom is { } init)
        {
            var report = Checkpoint.LoadMatching(objective.Model, device, init, options.Seed);
            output.WriteLine($"starting from the weights of {init}: {report.Loaded} of {report.Total} tensors");
            if (report.KeptInitial.Count > 0)
                output.WriteLine($"  {report.KeptInitial.Count} kept their initial values (seed {options.Seed}):\n    " + string.Join("\n    ", report.KeptInitial));
            if (report.Ignored.Count > 0)
                output.WriteLine($"  {report.Ignored.Count} in the file are not in this model and were ignored:\n    " + string.Join("\n    ", report.Ignored));
        }
        else
        {
            ModuleState.Initialize(objective.Model, device, options.Seed);
        }
        return new TrainingState(0, new TrainingDataCursor(unchecked((ulong)options.Seed)), 0, options.Settings);
    }

    /// <summary>Redraws RUN/loss.png from the log; a plot that cannot be drawn only warns, training goes on.</summary>
    private static void WriteLossPlot(TrainingLoopOptions loop, TextWriter error)
    {
        var records = TrainingLogFormat.LatestHistory(TrainingLogFormat.Read(loop.LogPath, warning => error.WriteLine($"warning: {warning}")));
        if (records.Count == 0) return;
        ValidationCurve? validation = null;
        try
        {
            validation = ValidationLog.CurveBeside(loop.LogPath);
        }
        catch (DataFileException e)
        {
            error.WriteLine($"warning: the plot leaves out the validations: {e.Message}");
        }
        LossCurvePlot.Write(Path.Combine(loop.RunDirectory, "loss.png"), records, error, validation);
    }

    private static string Status(TrainingLogRecord record, int totalSteps, TrainingValidation? validation)
    {
        var status = string.Create(CultureInfo.InvariantCulture,
            $"step {record.Step}/{totalSteps} loss {record.Loss:0.0000} lr {record.LearningRate:0.0e+0} {record.ImagesPerSecond:0.00} img/s");
        return validation?.Latest is { } latest
            ? status + string.Create(CultureInfo.InvariantCulture, $" val {validation.Metric} {100 * latest.Value:0.00}")
            : status;
    }
}
