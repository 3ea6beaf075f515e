using ClustSeg.Cli.Output;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Inference;
using ClustSeg.Runtime.Models;

namespace ClustSeg.Cli.Commands.Eval;

/// <summary>
/// A model's predictions for every image of a dataset split, written as the file-based evaluators read them, and scored
/// against the dataset's own ground truth. `eval --checkpoint` and `train --eval-every` share it, so a validation
/// during training gives the numbers `eval --checkpoint` gives for the same weights.
/// </summary>
internal static class DatasetPredictions
{
    /// <summary>Checks that <paramref name="dataset"/> has the classes and the ground truth that scoring <paramref name="task"/> needs.</summary>
    /// <exception cref="ClustSegException">It has not; the message says what to use instead.</exception>
    public static void CheckCanScore(ClustSegTask task, int modelClasses, TrainingDataset dataset)
    {
        if (dataset.Classes.Count != modelClasses)
            throw new ClustSegException($"The model has {modelClasses} classes but {dataset.Description} has {dataset.Classes.Count}.",
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
    }

    /// <summary>
    /// Runs <paramref name="predictor"/> on every image of <paramref name="dataset"/> and writes the <paramref name="task"/>
    /// prediction files into <paramref name="folder"/> (semantic: also the ground-truth label PNGs, under
    /// <see cref="GroundTruthFolder"/>), with a progress bar on <paramref name="progress"/>.
    /// </summary>
    public static MaskInferenceWriter Write(MaskPredictor predictor, ClustSegTask task, TrainingDataset dataset, string folder, bool overlays, TextWriter progress)
    {
        // Semantic labels are scored in class ids (label PNGs store them; COCO category ids may not fit 8 bits).
        int[]? categoryIds = task == ClustSegTask.Semantic ? null : dataset.Classes.Select(c => c.SourceId).ToArray();
        var writer = new MaskInferenceWriter(predictor.Model, task, folder, categoryIds) { WriteOverlays = overlays };
        var gtFolder = GroundTruthFolder(folder);
        new ProgressBar("infer", dataset.Count, progress).Run(advance =>
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
        return writer;
    }

    /// <summary>Where <see cref="Write"/> puts the semantic ground truth it scores against.</summary>
    public static string GroundTruthFolder(string folder) => Path.Combine(folder, "ground_truth");
}
