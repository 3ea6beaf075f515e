using ClustSeg.Cli.Commands.Eval;
using ClustSeg.Cli.Output;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Training.Losses;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Commands.Train;

/// <summary>`train --task semantic|instance|panoptic`: a ClustSeg variant on a COCO, label-PNG or synthetic dataset.</summary>
internal static class MaskTraining
{
    public static int Run(GpuDevice device, TrainOptions options, string data, string split, TextWriter output, TextWriter error)
    {
        if (options.CropSize % TrainingBatch.SizeMultiple != 0)
            throw new ClustSegException($"--crop {options.CropSize} is not a multiple of {TrainingBatch.SizeMultiple}, the model's largest stride.",
                $"Use --crop {Math.Max(1, (options.CropSize + 16) / 32) * 32}.");
        var task = ClustSegTasks.Parse(options.Task);
        var dataset = TrainingDataset.Open(data, split);
        CheckUpFront(dataset, error);
        var names = dataset.Classes.Select(c => c.Name).ToArray();
        var things = dataset.Classes.Count(c => c.IsThing);
        if (task != ClustSegTask.Semantic && things == 0)
            throw new ClustSegException($"{dataset.Description} has no thing classes, so there is nothing for {task.Name()} training to find.",
                "Train --task semantic on it, or use a dataset with thing categories (isthing = 1).");
        if (options.CopyPaste is not null && things == 0)
            throw new ClustSegException($"--copy-paste pastes thing instances, and {dataset.Description} has no thing classes (label-PNG folders carry no instances).",
                "Drop --copy-paste, or train on a COCO panoptic, COCO instances or synth dataset.");
        var model = new ClustSegModel(ClustSegVariant.Find(options.Model), task, names, things);
        output.WriteLine($"training {model.Variant.Name} {task.Name()} on {dataset.Description}: {dataset.Count} images, {names.Length} classes " +
                         $"({things} things), crop {(options.CropSize == 0 ? "none" : options.CropSize)}, scale {options.MinScale}-{options.MaxScale}, " +
                         $"{(options.CopyPaste is { } pasteChance ? $"copy-paste {pasteChance}, " : "")}batch {options.BatchSize}, {options.Steps} steps");
        var augmentation = new TrainingAugmentation
        {
            CropWidth = options.CropSize, CropHeight = options.CropSize, MinScale = options.MinScale, MaxScale = options.MaxScale, Flip = options.Flip,
        };
        var copyPaste = options.CopyPaste is { } chance ? new CopyPasteAugmentation { Probability = chance } : null;
        var validation = options.EvalEvery is { } every ? OpenValidation(device, task, dataset, data, options, every, error) : null;
        return TrainRun.Execute(device, new MaskObjective(model), options,
            cursor => new TrainingDataLoader(dataset, augmentation, options.BatchSize, cursor, shuffle: true, prefetch: true, copyPaste),
            options.BatchSize, output, error, validation);
    }

    /// <summary>The validation set of --eval-every, checked up front like the training set, so no run fails on it hours in.</summary>
    private static TrainingValidation OpenValidation(GpuDevice device, ClustSegTask task, TrainingDataset training, string data, TrainOptions options, int every,
        TextWriter error)
    {
        var spec = options.EvalData ?? data;
        var dataset = TrainingDataset.Open(spec, options.EvalSplit);
        var expected = training.Classes.Select(c => c.Name).ToList();
        var actual = dataset.Classes.Select(c => c.Name).ToList();
        if (!expected.SequenceEqual(actual))
            throw new ClustSegException(
                $"The validation set {dataset.Description} has the classes [{string.Join(", ", actual)}], but the training set has [{string.Join(", ", expected)}].",
                "Validate on a split of the same dataset (--eval-split) or on data with the same class list (--eval-data).");
        DatasetPredictions.CheckCanScore(task, expected.Count, dataset);
        CheckUpFront(dataset, error);
        return new TrainingValidation(device, task, dataset, $"{spec}@{options.EvalSplit}", every, options.Steps, options.RunDirectory)
        {
            InputScales = options.EvalInputScales,
        };
    }

    /// <summary>Reads every sample once before training, so broken files stop the run before its first step.</summary>
    private static void CheckUpFront(TrainingDataset dataset, TextWriter error)
    {
        var gate = new object();
        new ProgressBar("check data", dataset.Count, error).Run(advance =>
        {
            var reported = 0;
            dataset.Validate((done, _) =>
            {
                lock (gate)
                {
                    for (; reported < done; reported++) advance("");
                }
            });
        });
    }
}
