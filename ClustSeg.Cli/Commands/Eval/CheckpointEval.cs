using System.CommandLine;
using ClustSeg.Cli.Output;
using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Imaging;
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
        if (dataset.Classes.Count != model.Classes)
            throw new ClustSegException($"The checkpoint has {model.Classes} classes but {dataset.Description} has {dataset.Classes.Count}.",
                "Evaluate on the dataset the model was trained for.");
        if (task != ClustSegTask.Semantic && dataset.AnnotationFile is null)
            throw new ClustSegException($"{task.Name()} evaluation needs COCO ground truth, but {dataset.Description} is a label-PNG folder.",
                task == ClustSegTask.Panoptic ? "Use --data coco-panoptic:FILE.json or synth:ROOT." : "Use --data coco-instances:FILE.json.");
        if (task == ClustSegTask.Instance && dataset.InstancesFile is null)
            throw new ClustSegException($"instance evaluation needs COCO instances ground truth, but {dataset.Description} has none.",
                "Use --data coco-instances:FILE.json, or synth:ROOT (its instances.json is used).");
        if (task == ClustSegTask.Panoptic && dataset.Format is not ("coco-panoptic" or "synth"))
            throw new ClustSegException($"panoptic evaluation needs COCO panoptic ground truth, but {dataset.Description} is {dataset.Format}.",
                "Use --data coco-panoptic:FILE.json or synth:ROOT.");

        var keep = parse.GetValue(EvalCommand.PredictionDir);
        var folder = keep ?? Directory.CreateTempSubdirectory("clustseg-eval-").FullName;
        try
        {
            // Semantic labels are scored in class ids (label PNGs store them; COCO category ids may not fit 8 bits).
            int[]? categoryIds = task == ClustSegTask.Semantic ? null : dataset.Classes.Select(c => c.SourceId).ToArray();
            var writer = new MaskInferenceWriter(model, task, folder, categoryIds);
            var predictor = ModelOptions.Predictor(device, model, parse.GetValue(EvalCommand.InputScale)!, parse.GetValue(EvalCommand.FlipTest));
            var gtFolder = Path.Combine(folder, "ground_truth");
            new ProgressBar("infer", dataset.Count, error).Run(advance =>
            {
                for (var i = 0; i < dataset.Count; i++)
                {
                    var path = dataset.ImagePath(i);
                    var name = $"{i:D6}_{Path.GetFileNameWithoutExtension(path)}";
                    RgbImage image;
                    if (task == ClustSegTask.Semantic)
                    {
                        var sample = dataset.Load(i);
                        image = sample.Image;
                        SemanticLabelFolder.WriteLabels(Path.Combine(gtFolder, name + ".png"), new SemanticLabelMap(image.Width, image.Height, sample.Labels));
                    }
                    else
                    {
                        image = RgbImage.Load(path);
                    }
                    writer.Add(dataset.ImageId(i), name, Path.GetFileName(path), image, predictor.Predict(image));
                    advance(Path.GetFileName(path));
                }
            });
            writer.Finish();
            output.WriteLine($"{model.Variant.Name} {task.Name()} predictions for {dataset.Count} images of {dataset.Description}" +
                             (keep is null ? " (temporary; pass --pred-dir DIR to keep them)" : $" in {Path.GetFullPath(folder)}"));
            return task switch
            {
                ClustSegTask.Semantic => SemanticEval.Evaluate(parse, gtFolder, SemanticLabelEncoding.Identity, folder,
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
