using System.Diagnostics;
using System.Globalization;
using ClustSeg.Cli.Commands.Eval;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Inference;
using ClustSeg.Runtime.Metrics;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Commands.Train;

/// <summary>
/// `train --eval-every N`: after the checkpoint of every N-th step and of the last one, the model as the run would end
/// with it (the weight average where the run keeps one) is scored on a validation split with its task's headline
/// metric (PQ, mask AP or mIoU), exactly as `eval --checkpoint` would score it. Each result is a line of
/// <c>RUN/eval.jsonl</c>; the best model so far is kept as <c>RUN/best.safetensors</c>.
/// </summary>
/// <remarks>
/// Validating only right after a checkpoint keeps resuming exact: every logged validation and the best model belong to
/// a step the checkpoint already holds, and a validation cut short by a killed run is done again on resume.
/// </remarks>
internal sealed class TrainingValidation
{
    /// <summary>The log of validations in the run folder.</summary>
    public const string LogFileName = "eval.jsonl";

    /// <summary>The best-scoring model in the run folder.</summary>
    public const string BestFileName = "best.safetensors";

    /// <summary>Metadata key of best.safetensors: the step its weights are from.</summary>
    public const string StepMetadataKey = "validation_step";

    private readonly GpuDevice _device;
    private readonly ClustSegTask _task;
    private readonly TrainingDataset _dataset;
    private readonly string _dataName;
    private readonly string _runDirectory;
    private List<ValidationRecord> _records = [];
    private ClustSegModel? _scored;

    /// <summary>Validates every <paramref name="every"/> steps of a <paramref name="totalSteps"/>-step run, on <paramref name="dataset"/>.</summary>
    public TrainingValidation(GpuDevice device, ClustSegTask task, TrainingDataset dataset, string dataName, int every, int totalSteps, string runDirectory)
    {
        _device = device;
        _task = task;
        _dataset = dataset;
        _dataName = dataName;
        Every = every;
        TotalSteps = totalSteps;
        _runDirectory = runDirectory;
    }

    /// <summary>Test-time scales of the validation (<see cref="MaskPredictor.InputScale"/>, then averaged ones); default 1.</summary>
    public IReadOnlyList<double> InputScales { get; init; } = [1];

    /// <summary>Steps between validations.</summary>
    public int Every { get; }

    /// <summary>The run's last step, which is always validated.</summary>
    public int TotalSteps { get; }

    /// <summary>The headline metric's name.</summary>
    public string Metric => _task switch
    {
        ClustSegTask.Panoptic => "PQ",
        ClustSegTask.Instance => "AP",
        _ => "mIoU",
    };

    /// <summary>
    /// The best validation so far on this validation set at this scale, if any (a run resumed with another
    /// --eval-data or --eval-input-scale starts its best afresh: such scores do not rank models).
    /// </summary>
    public ValidationRecord? Best => _records.LastOrDefault(r => r.Best && r.Data == _dataName && r.InputScale == InputScaleText);

    private string InputScaleText => string.Join(",", InputScales.Select(s => s.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>The latest validation, if any.</summary>
    public ValidationRecord? Latest => _records.LastOrDefault();

    private string LogPath => Path.Combine(_runDirectory, LogFileName);

    private string BestPath => Path.Combine(_runDirectory, BestFileName);

    /// <summary>
    /// Prepares the log for a run starting at <paramref name="startStep"/>: a new run starts it afresh; a resumed one
    /// keeps the validations up to its checkpoint's step. Returns whether that step is due and not yet validated (the
    /// run was killed while validating it), so the caller validates it before training on.
    /// </summary>
    public bool Start(int startStep)
    {
        Directory.CreateDirectory(_runDirectory);
        _records = startStep == 0 ? [] : ValidationLog.Read(LogPath).Where(r => r.Step <= startStep).ToList();
        ValidationLog.Rewrite(LogPath, _records);
        if (startStep == 0 && File.Exists(BestPath)) File.Delete(BestPath);
        return startStep > 0 && IsDue(startStep) && _records.All(r => r.Step != startStep);
    }

    /// <summary>Whether <paramref name="step"/> is validated: every <see cref="Every"/> steps and the last step.</summary>
    public bool IsDue(int step) => step % Every == 0 || step == TotalSteps;

    /// <summary>
    /// Scores the model <paramref name="writeModel"/> writes (to the path and with the extra metadata it is given),
    /// logs the result and keeps the model as best.safetensors when it beats every earlier validation.
    /// </summary>
    public ValidationRecord Run(int step, Action<string, IReadOnlyDictionary<string, string>> writeModel)
    {
        var clock = Stopwatch.StartNew();
        var candidate = Path.Combine(_runDirectory, "validation.safetensors");
        var folder = Directory.CreateTempSubdirectory("clustseg-validation-").FullName;
        try
        {
            writeModel(candidate, new Dictionary<string, string> { [StepMetadataKey] = step.ToString(CultureInfo.InvariantCulture) });
            if (_scored is null) _scored = ClustSegModel.Load(_device, candidate);
            else Checkpoint.Load(_scored.Module, _device, candidate);
            var predictor = new MaskPredictor(_device, _scored) { InputScale = InputScales[0], AveragedScales = InputScales.Skip(1).ToList() };
            var writer = DatasetPredictions.Write(predictor, _task, _dataset, folder, overlays: false, TextWriter.Null);
            var scores = Score(writer);
            var value = scores[Metric];
            var best = Best is not { } previous || value > previous.Value;
            if (best) File.Move(candidate, BestPath, overwrite: true);
            var record = new ValidationRecord(step, _dataName, InputScaleText, _dataset.Count, Metric, value, scores, best, clock.Elapsed.TotalSeconds, DateTimeOffset.UtcNow);
            ValidationLog.Append(LogPath, record);
            _records.Add(record);
            return record;
        }
        finally
        {
            File.Delete(candidate);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>One line for the console: the latest score and the best so far.</summary>
    public string Summary(ValidationRecord record)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"validation at step {record.Step}: {Metric} {100 * record.Value:0.00} on {record.Images} images{(record.InputScale == "1" ? "" : " at input scale " + record.InputScale)} in {record.Seconds:0}s");
        if (record.Best) return line + $" (best so far, kept as {BestFileName})";
        return Best is { } best ? line + string.Create(CultureInfo.InvariantCulture, $" (best {100 * best.Value:0.00} at step {best.Step})") : line;
    }

    private Dictionary<string, double> Score(MaskInferenceWriter predictions)
    {
        var folder = predictions.OutputFolder;
        var scores = new Dictionary<string, double>();
        void Add(string name, double value)
        {
            if (double.IsFinite(value)) scores[name] = value;
        }
        switch (_task)
        {
            case ClustSegTask.Semantic:
            {
                var (result, _) = SemanticEval.Score(DatasetPredictions.GroundTruthFolder(folder), SemanticLabelEncoding.Identity, folder, _dataset.Classes.Count, TextWriter.Null);
                Add("mIoU", result.MeanIou);
                Add("pixel_accuracy", result.PixelAccuracy);
                Add("mean_class_accuracy", result.MeanClassAccuracy);
                break;
            }
            case ClustSegTask.Instance:
            {
                var (_, _, evaluation) = InstanceEval.Score(_dataset.InstancesFile!, Path.Combine(folder, MaskInferenceWriter.InstanceResultsFile));
                for (var i = 0; i < CocoMaskEvaluation.StatNames.Count; i++) Add(CocoMaskEvaluation.StatNames[i], evaluation.Stats[i]);
                break;
            }
            default:
            {
                var (result, _) = PanopticEval.Score(_dataset.AnnotationFile!, null, Path.Combine(folder, MaskInferenceWriter.PanopticJsonFile),
                    predictions.PanopticFolder, TextWriter.Null);
                foreach (var (part, score) in new[] { ("", result.All), ("_things", result.Things), ("_stuff", result.Stuff) })
                {
                    Add("PQ" + part, score.Pq);
                    Add("SQ" + part, score.Sq);
                    Add("RQ" + part, score.Rq);
                }
                break;
            }
        }
        // A headline that is undefined (e.g. AP of a set without things) cannot rank models; -1 is cocoeval's "absent".
        if (!scores.ContainsKey(Metric)) scores[Metric] = -1;
        return scores;
    }
}
