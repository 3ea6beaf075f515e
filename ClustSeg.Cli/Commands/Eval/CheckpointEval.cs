using System.CommandLine;
using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Inference;
using ClustSeg.Runtime.Models;

namespace ClustSeg.Cli.Commands.Eval;

/// <summary>
/// `eval --checkpoint FILE --data FORMAT:PATH [--task T]`: runs inference over a dataset split, writes the predictions
/// (into --pred-dir, or a temporary folder), then scores them with the file-based evaluator of the task against the
/// dataset's own ground truth, so the numbers are those the stand-alone evaluation of the same files gives.
/// </summary>
internal static class CheckpointEval
{
    public static int Run(ParseResult parse, string checkpoint, TextWriter output, TextWriter error)
    {
        var spec = parse.GetValue(EvalCommand.Data)
                   ?? throw new ClustSegException("--checkpoint needs --data FORMAT:PATH, the dataset to run the model on.", "Add e.g. --data synth:synth-out --split val.");
        using var device = GlobalOptions.OpenDevice(parse);
        var model = MaskTaskInference.LoadModel(device, checkpoint);
        var taskName = parse.GetValue(EvalCommand.Task);
        var task = taskName is null or "superpixel" ? model.Task : ClustSegTasks.Parse(taskName);
        var dataset = TrainingDataset.Open(spec, parse.GetValue(EvalCommand.Split)!);
        DatasetPredictions.CheckCanScore(task, model.Classes, dataset);

        var keep = parse.GetValue(EvalCommand.PredictionDir);
        var folder = keep ?? Directory.CreateTempSubdirectory("clustseg-eval-").FullName;
        try
        {
            var predictor = ModelOptions.Predictor(device, model, parse.GetValue(EvalCommand.InputScale)!, parse.GetValue(EvalCommand.FlipTest));
            var writer = DatasetPredictions.Write(predictor, task, dataset, folder, overlays: keep is not null, error);
            output.WriteLine($"{model.Variant.Name} {task.Name()} predictions for {dataset.Count} images of {dataset.Description}" +
                             (keep is null ? " (temporary; pass --pred-dir DIR to keep them)" : $" in {Path.GetFullPath(folder)}"));
            return task switch
            {
                ClustSegTask.Semantic => SemanticEval.Evaluate(parse, DatasetPredictions.GroundTruthFolder(folder), SemanticLabelEncoding.Identity, folder,
                    model.Classes, dataset.Classes.Select(c => c.Name).ToArray(), output, error),
                ClustSegTask.Instance => InstanceEval.Evaluate(parse, dataset.InstancesFile!, Path.Combine(folder, MaskInferenceWriter.InstanceResultsFile), output, error),
                _ => PanopticEval.Evaluate(parse, dataset.AnnotationFile!, null, Path.Combine(folder, MaskInferenceWriter.PanopticJsonFile), writer.PanopticFolder, output, error),
            };
        }
        finally
        {
            if (keep is null) Directory.Delete(folder, recursive: true);
        }
    }
}
